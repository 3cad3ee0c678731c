/**
 * The analysis process's side of posting a result in parts (`resultParts.ts`): a part is posted
 * only when the host has said it read all but `ahead` of the parts before it (`partRead`).
 * Posted all at once, the parts reached the host's channel faster than it read them, and it read
 * up to 2 MB of them in one turn of its event loop (40 to 80 ms of the extension host's main
 * thread at 100k queries x 8 models); paced, it reads one or two a turn. A host that does not
 * answer within `patienceMs` gets the next part anyway: a late answer delays the result, never
 * loses it. Plain timers, no editor API.
 */

export class PartPacer {
  private job = -1;
  private read = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly ahead: number,
    private readonly patienceMs = 2000,
  ) {}

  /**
   * Posts `parts` of job `jobId` with `post`, in order, each once the host has read all but
   * `ahead` of those before it. Resolves when the last is posted.
   */
  async postAll<P>(jobId: number, parts: readonly P[], post: (part: P) => void): Promise<void> {
    this.job = jobId;
    this.read = 0;
    for (let i = 0; i < parts.length; i++) {
      while (i - this.read >= this.ahead) {
        const before = this.read;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            // No answer in time: count the oldest part as read and go on.
            if (this.read === before) this.read++;
            resolve();
          }, this.patienceMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
      post(parts[i]!);
    }
    this.job = -1;
  }

  /** The host read a part of job `jobId` (an answer about another job is ignored). */
  partRead(jobId: number): void {
    if (jobId !== this.job) return;
    this.read++;
    this.wake?.();
  }
}
