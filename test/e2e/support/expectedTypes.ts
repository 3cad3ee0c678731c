/**
 * Figures the editor must show for a workspace, computed outside the extension (by the CLI's
 * `--json` on the same files, and a brute-force sweep written in the tests). The end-to-end
 * tests compute them and hand them to the extension-host suite as a JSON file named by
 * `CASCADE_FRONTIER_HOST_EXPECTED`.
 */
export interface ExpectedValues {
  /** Absolute path of the workspace folder the editor has open. */
  readonly workspace: string;
  /** The cascade config, relative to the workspace. */
  readonly configFile: string;
  /** Budget in dollars per query, as configured. */
  readonly budget: number;
  /** The configured pair and threshold. */
  readonly cascade: { readonly cheap: string; readonly expensive: string; readonly threshold: number | null };
  /** 1-based line and column of the threshold's value in the config file. */
  readonly thresholdPosition: { readonly line: number; readonly column: number };
  /** The recommendation for the budget as the CLI gives it: the policy, the verdict on escalating, the in-sample rule's vertex. */
  readonly recommendation: { readonly models: readonly string[]; readonly threshold: number | null; readonly verdict: 'yes' | 'no' | 'unclear' | null; readonly inSampleModels: readonly string[] };
  /** The recommendation rule's threshold for the configured pair within the budget (the CLI's `cascade.suggestedThreshold`): what the editor suggests. */
  readonly recommendedThreshold: number | null;
  /** The in-sample best threshold of the pair within the budget (calibration data, brute force over the CLI's pair curve; ties: the cheaper). */
  readonly inSampleThreshold: number | null;
  /** Calibration figures of the configured cascade at its own threshold. */
  readonly configured: { readonly cost: number; readonly quality: number; readonly escalationRate: number };
  /** Calibration figures of the suggested threshold. */
  readonly recommended: { readonly cost: number; readonly quality: number; readonly escalationRate: number };
  /** Slopes of the envelope's concave hull at the configured cascade's cost (quality per dollar per query). */
  readonly shadowPrice: { readonly lambdaLeft: number | null; readonly lambdaRight: number | null };
  /** First and last vertex of the pairwise envelope (calibration). */
  readonly envelopeFirst: { readonly cost: number; readonly quality: number };
  readonly envelopeLast: { readonly cost: number; readonly quality: number };
  readonly envelopeVertices: number;
  /** Points of all the pair curves the CLI reports (each curve thinned to at most the analysis' maximum). */
  readonly pairPoints: number;
  /** The envelope policy that dominates the configured cascade (cost <= and quality >=, one strictly), when one does. */
  readonly dominatedBy?: { readonly models: readonly string[]; readonly threshold: number | null; readonly cost: number; readonly quality: number };
  /** 1-based line of the `cascade:` key. */
  readonly cascadeLine: number;
  /** An eval file of the workspace (relative), for the malformed-line test. */
  readonly evalFile: string;
  /** Eval files (absolute) and the CLI's split flags for them, to run other CLI commands on the same inputs. */
  readonly cliInputs: { readonly files: readonly string[]; readonly splitFlags: readonly string[] };
  /** Each model's confidence signal as the CLI computes it (AUROC on both splits, calibration error, reliability bins). */
  readonly signals: readonly { readonly name: string; readonly auroc: number | null; readonly aurocHoldout: number | null; readonly calibrationError: number | null; readonly bins: number }[];
  /** What `cascade-frontier check` finds on the config as it is, and on a broken variant of its text. */
  readonly check?: { readonly original: readonly CheckFindingLine[]; readonly variant: { readonly text: string; readonly findings: readonly CheckFindingLine[] } };
}

/** One finding of `cascade-frontier check --json`, at a 1-based line and column of the config. */
export interface CheckFindingLine {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'information';
  readonly line: number;
  readonly column: number;
  readonly message: string;
}
