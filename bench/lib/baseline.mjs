// The app as it was at an earlier commit, built once and kept, to be measured beside the current
// one in the same run. Built in a `git worktree` of that commit (node_modules hard-linked from this
// checkout: same lockfile), then copied out so that no worktree stays registered.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { log, repoDir, workDir } from './common.mjs';

export async function baselineApp(commit) {
  const full = execFileSync('git', ['rev-parse', '--verify', `${commit}^{commit}`], { cwd: repoDir, encoding: 'utf8' }).trim();
  const target = path.join(workDir, `baseline-${full.slice(0, 12)}`);
  if (existsSync(path.join(target, '.next', 'BUILD_ID'))) return target;
  const tree = path.join(workDir, `baseline-worktree-${process.pid}`);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  log(`building the baseline (commit ${full.slice(0, 12)}) in a git worktree, once…`);
  execFileSync('git', ['worktree', 'add', '--detach', tree, full], { cwd: repoDir, stdio: 'ignore' });
  try {
    // Hard links: a real folder (Turbopack refuses a node_modules symlink that leaves the project), no copy.
    execFileSync('cp', ['-al', path.join(repoDir, 'node_modules'), path.join(tree, 'node_modules')]);
    const build = spawnSync(path.join(tree, 'node_modules', '.bin', 'next'), ['build'], {
      cwd: tree,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`the baseline did not build:\n${build.stdout}\n${build.stderr}`);
    rmSync(path.join(tree, '.next', 'cache'), { recursive: true, force: true });
    rmSync(path.join(tree, 'node_modules'), { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync('sh', ['-c', 'tar -C "$1" --exclude=./.git -cf - . | tar -C "$2" -xf -', 'copy', tree, target]);
    symlinkSync(path.join(repoDir, 'node_modules'), path.join(target, 'node_modules'));
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: repoDir, stdio: 'ignore' });
  }
  return target;
}
