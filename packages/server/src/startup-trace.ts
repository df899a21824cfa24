/**
 * HOTLINE_TRACE_STARTUP=1 prints each start-up step to stderr with the time since the process
 * started (`performance.now()`), so a slow start shows where its time goes (the start-up bench
 * prints them too).
 */
const on = !!process.env.HOTLINE_TRACE_STARTUP;
let last = 0;

export function traceStartup(step: string): void {
  if (!on) return;
  const now = performance.now();
  process.stderr.write(
    `[start-up] ${(now / 1000).toFixed(2).padStart(6)} s  +${Math.round(now - last)} ms  ${step}\n`,
  );
  last = now;
}
