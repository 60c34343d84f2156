/** Vite's `?worker` imports (used for the ALTCHA widget's proof-of-work worker): a Worker constructor. */
declare module '*?worker' {
  const WorkerConstructor: new (options?: { name?: string }) => Worker;
  export default WorkerConstructor;
}
