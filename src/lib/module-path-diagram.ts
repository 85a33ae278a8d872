/**
 * What the diagram on the NUR page shows (src/components/ModulePathDiagram.astro): how the
 * module package reaches the kernel the system boots, in both approaches. Each step has the
 * lines drawn in its box and a sentence for the text alternative. Text in backticks is a name
 * from the guide's code, drawn in the code font; test/e2e/diagram.test.ts checks that each one
 * is in a block the guide verified, so the diagram cannot drift from the code.
 */

export interface Step {
  /** The lines of the box. Leading spaces indent a line by as many code characters. */
  lines: string[];
  /** The same step as a sentence, for the list screen readers get. */
  says: string;
}

export interface Lane {
  title: string;
  steps: Step[];
}

export const APPROACHES: Lane[] = [
  {
    title: 'Approach 1: in your configuration',
    steps: [
      { lines: ['`qc71-slimbook-laptop.nix`'], says: 'The package file is `qc71-slimbook-laptop.nix`.' },
      {
        lines: ['`config.boot.kernelPackages.callPackage`', 'builds it for the kernel the system boots'],
        says: '`config.boot.kernelPackages.callPackage` builds it for the kernel the system boots.',
      },
      {
        lines: ['`boot.extraModulePackages =`', '  `[ qc71-slimbook-laptop ];`'],
        says: '`boot.extraModulePackages` lists the result.',
      },
    ],
  },
  {
    title: 'Approach 2: a NUR repository',
    steps: [
      {
        lines: ['`overlays/linux-packages.nix`', 'replaces `linuxKernel.packagesFor`,'],
        says: 'The overlay `overlays/linux-packages.nix` replaces `linuxKernel.packagesFor`,',
      },
      {
        lines: ['so every kernel package set,', '`linuxPackages`, `linuxPackages_latest`, …,', 'has `qc71-slimbook-laptop`'],
        says: 'so every kernel package set (`linuxPackages`, `linuxPackages_latest`, …) has `qc71-slimbook-laptop`.',
      },
      {
        lines: ['the system’s set is `boot.kernelPackages`;', 'NixOS’s `.extend` on it keeps the package'],
        says: 'The system’s set is `boot.kernelPackages`; NixOS calls `.extend` on it, and the package stays.',
      },
      {
        lines: ['`boot.extraModulePackages =`', '  `with config.boot.kernelPackages;`', '  `[ qc71-slimbook-laptop ];`'],
        says: '`boot.extraModulePackages` takes it from that set: `with config.boot.kernelPackages; [ qc71-slimbook-laptop ]`.',
      },
    ],
  },
];

/** The steps both approaches share, once the package is in `boot.extraModulePackages`. */
export const COMMON: Step[] = [
  {
    lines: ['NixOS merges the kernel’s module tree', 'and every `boot.extraModulePackages` tree', 'into one (`aggregateModules`)'],
    says: 'NixOS merges the kernel’s module tree and the tree of every package in `boot.extraModulePackages` into one (nixpkgs’ `aggregateModules`).',
  },
  {
    lines: ['the system’s `kernel-modules`:', '`/run/current-system/kernel-modules`', '`/lib/modules/<version>/extra/``qc71_laptop.ko`'],
    says: 'That tree is the system’s `kernel-modules`, with the module at `/run/current-system/kernel-modules/lib/modules/<version>/extra/qc71_laptop.ko`.',
  },
  {
    lines: ['`modprobe qc71_laptop`, or `boot.kernelModules`', 'at boot, loads the module from there'],
    says: '`modprobe qc71_laptop`, or `boot.kernelModules` at boot, loads the module from there.',
  },
];

/**
 * Names that no verified block contains, because they belong to the built or running system:
 * the guide has them in its prose and in blocks it cannot run (they need the hardware or the
 * switched system). The test looks for them on the other pages of the guide instead.
 */
export const SYSTEM_NAMES = ['aggregateModules', 'kernel-modules', '/run/current-system/kernel-modules', 'modprobe qc71_laptop'];

export interface Segment {
  text: string;
  code: boolean;
}

/** A line or sentence split at its backticks: every other piece is code. */
export function segments(line: string): Segment[] {
  return line
    .split('`')
    .map((text, i) => ({ text, code: i % 2 === 1 }))
    .filter((s) => s.text !== '');
}

/** Every name the diagram draws, once each, as written in its boxes. */
export function diagramNames(): string[] {
  const steps = [...APPROACHES.flatMap((lane) => lane.steps), ...COMMON];
  const names = steps.flatMap((step) => step.lines.flatMap((line) => segments(line).filter((s) => s.code).map((s) => s.text)));
  return [...new Set(names)];
}
