import { render } from 'preact';
import { StartRecordingDocument } from '../../operations/generated/graphql.ts';

function App() {
  return <h1>avgraph fleet {String((StartRecordingDocument as unknown as { __meta__: { hash: string } }).__meta__.hash.length)}</h1>;
}

render(<App />, document.getElementById('app')!);
