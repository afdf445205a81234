import { Component, type ComponentChildren } from 'preact';

/** A rendering bug in one page shows a message (and a way back) instead of a blank wall screen. */
export class ErrorBoundary extends Component<{ children: ComponentChildren; resetKey: string }, { error: string | null; key: string }> {
  state = { error: null as string | null, key: '' };

  static getDerivedStateFromProps(props: { resetKey: string }, state: { error: string | null; key: string }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  componentDidCatch(e: unknown) {
    this.setState({ error: e instanceof Error ? e.message : String(e) });
  }

  render() {
    if (this.state.error) {
      return (
        <p class="banner pad" role="alert" data-testid="error-banner">
          <span>This view failed to render: {this.state.error}</span>
          <a class="btn small" href="#/">
            Back to the fleet
          </a>
        </p>
      );
    }
    return this.props.children;
  }
}
