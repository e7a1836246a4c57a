/*
 * @oclif/multi-stage-output for the rollout's phases, in plain lines whenever standard output is not a terminal.
 * Its live display (ink) redraws every frame with cursor codes: in a pipe, a file or a CI log that leaves thousands
 * of repeated frames. Its CI mode prints one line per stage change instead, but it chooses the mode once, when the
 * module is first imported, from the CI environment variable. So the module is imported here, and only here, with CI
 * set for that moment when standard output is not a terminal (the variable is restored right after).
 */
import type { MultiStageOutput, MultiStageOutputOptions } from '@oclif/multi-stage-output';

export async function multiStageOutput<T extends Record<string, unknown>>(
  options: MultiStageOutputOptions<T>,
): Promise<MultiStageOutput<T>> {
  const plain = !process.stdout.isTTY;
  const saved = process.env.CI;
  if (plain) process.env.CI = 'true';
  try {
    const { MultiStageOutput: Output } = await import('@oclif/multi-stage-output');
    return new Output<T>(options);
  } finally {
    if (plain) {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  }
}
