#!/usr/bin/env -S node --import tsx --no-warnings
// Runs the TypeScript sources directly and loads the devPlugins (snapshot and schema tools).
async function main() {
  const { execute } = await import('@oclif/core');
  await execute({ development: true, dir: import.meta.url });
}

await main();
