import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; plain periodic lines otherwise (CI logs). */
export function progressBar(label: string) {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} {phase}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done: number, total: number, phase: string) {
        if (!started) {
          bar.start(total, done, { phase });
          started = true;
        }
        bar.setTotal(total);
        bar.update(done, { phase });
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done: number, total: number, phase: string) {
      const now = Date.now();
      if (now - last > 1000 || done === total) {
        last = now;
        process.stderr.write(`${label}: ${phase} ${done}/${total}\n`);
      }
    },
    stop() {},
  };
}
