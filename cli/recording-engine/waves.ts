/**
 * Answers execs in waves: every exec waits until the module in this process
 * can send nothing more without an exec's answer, then all waiting execs are
 * answered together. What one wave holds ran concurrently; a later wave
 * needed an earlier one's answer. This is decided by the program's structure,
 * not by wall time, so a loaded machine cannot change it.
 *
 * "Can send nothing more" is read off the event loop: the module and the
 * engine share one process, and a request on loopback reaches the server
 * within a few loop turns, so a run of quiet turns (no request arriving, no
 * body being read, no answer just written) means the module is waiting on us.
 * The loop only turns while this process runs, so a descheduled process
 * pauses the count instead of ending the wave early.
 */
export class WaveScheduler {
  /** Waves answered so far: a request that arrives now is in this epoch. */
  epoch = 0;
  private waiting: Array<(wave: number) => void> = [];
  private quietTurns = 0;
  private quietSince = performance.now();
  private busy = 0;
  private watching = false;

  constructor(
    private readonly minQuietTurns = 64,
    private readonly minQuietMs = 5,
  ) {}

  /** Something reached the engine or left it: the module may still be moving. */
  activity(): void {
    this.quietTurns = 0;
    this.quietSince = performance.now();
  }

  /** A request is being read: no wave may end until it has been. */
  begin(): void {
    this.busy++;
    this.activity();
  }

  end(): void {
    this.busy--;
    this.activity();
  }

  /** Waits for the end of the current wave; resolves with that wave's number (1, 2, ...). */
  next(): Promise<number> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.watch();
    });
  }

  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    const turn = () => {
      if (this.busy > 0) this.activity();
      else this.quietTurns++;
      if (this.quietTurns < this.minQuietTurns || performance.now() - this.quietSince < this.minQuietMs) {
        setImmediate(turn);
        return;
      }
      this.watching = false;
      const released = this.waiting;
      this.waiting = [];
      const wave = ++this.epoch;
      this.activity();
      for (const resolve of released) resolve(wave);
    };
    setImmediate(turn);
  }
}
