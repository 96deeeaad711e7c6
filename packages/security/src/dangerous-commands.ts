import { type CommandRuleInput } from './command-rules';

/** The root, a top-level directory, the home directory. */
const ROOTS = ['/', '/*', '~', '~/*'];
/** Whole disks and partitions. */
const DISKS = [
  '/dev/sd*',
  '/dev/hd*',
  '/dev/vd*',
  '/dev/xvd*',
  '/dev/nvme*',
  '/dev/mmcblk*',
  '/dev/dm-*',
  '/dev/md*',
  '/dev/disk/**',
  '/dev/mapper/*',
];
const RECURSIVE = ['-r', '-R', '--recursive'];

/**
 * A preset of rules for commands that destroy a machine or its data, for {@link commandPolicy}: recursive
 * removal of the root, a top-level or the home directory (however the flags are spelled: `-rf`, `-fr`,
 * `-Rf`, `-r -f`, `--recursive`, with `--` or `/*`), `--no-preserve-root`, `find / -delete`, `mkfs` and
 * friends, `dd`/`tee`/`shred`/redirections onto a disk, fork bombs, recursive `chmod`/`chown` of the root,
 * `mv` of the root; power and partitioning commands answer `confirm`. Combine it with your own rules.
 *
 * @example
 * ```ts
 * const policy = commandPolicy({ rules: [...DANGEROUS_COMMANDS, { name: 'no-sudo', program: 'sudo', action: 'confirm' }] });
 * ```
 */
export const DANGEROUS_COMMANDS: readonly CommandRuleInput[] = Object.freeze([
  {
    name: 'rm-root',
    reason: 'removes the root, the home directory or a top-level directory, recursively',
    program: 'rm',
    flags: { all: [RECURSIVE] },
    args: { any: ROOTS },
  },
  {
    name: 'rm-no-preserve-root',
    reason: '--no-preserve-root lets rm remove /',
    program: 'rm',
    flags: { any: ['--no-preserve-root'] },
  },
  {
    name: 'find-delete-root',
    reason: 'deletes everything under the root',
    program: 'find',
    flags: { any: ['-delete'] },
    args: { any: ROOTS },
  },
  {
    name: 'mkfs',
    reason: 'makes a new filesystem, erasing the old one',
    program: ['mkfs', 'mkfs.*', 'mke2fs', 'mkswap', 'mkdosfs', 'mkntfs', 'wipefs'],
  },
  {
    name: 'dd-to-disk',
    reason: 'writes over a disk',
    program: 'dd',
    args: { any: DISKS.map((d) => `of=${d}`) },
  },
  {
    name: 'write-to-disk',
    reason: 'writes over a disk',
    writesTo: DISKS,
  },
  {
    name: 'copy-to-disk',
    reason: 'writes over a disk',
    program: ['tee', 'shred', 'cp', 'blkdiscard'],
    args: { any: DISKS },
  },
  {
    name: 'fork-bomb',
    reason: 'a function that calls itself: a fork bomb or an endless recursion',
    selfCall: true,
  },
  {
    name: 'chmod-root',
    reason: 'changes permissions or owners of everything under the root',
    program: ['chmod', 'chown', 'chgrp', 'setfacl'],
    flags: { all: [RECURSIVE] },
    args: { any: ROOTS },
  },
  {
    name: 'mv-root',
    reason: 'moves the root or a top-level directory away',
    program: 'mv',
    args: { any: ['/', '/*'] },
  },
  {
    name: 'power',
    reason: 'shuts the machine down or restarts it',
    action: 'confirm',
    program: ['shutdown', 'reboot', 'halt', 'poweroff'],
  },
  {
    name: 'power',
    reason: 'shuts the machine down or restarts it',
    action: 'confirm',
    program: ['systemctl', 'init', 'telinit'],
    args: { any: ['poweroff', 'reboot', 'halt', 'kexec', '0', '6'] },
  },
  {
    name: 'partition',
    reason: 'changes the partitions of a disk',
    action: 'confirm',
    program: ['fdisk', 'sfdisk', 'cfdisk', 'gdisk', 'sgdisk', 'parted'],
  },
]);
