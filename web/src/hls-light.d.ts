// hls.js ships types for its main entry only; the light build has the same API minus features the page does not use.
declare module 'hls.js/light' {
  export { default } from 'hls.js';
}
