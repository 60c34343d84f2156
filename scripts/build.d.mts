/** Types of scripts/build.mjs for the TypeScript that imports it (the bench builds the server it measures). */
export declare const projectRoot: string;
export declare const stampFile: string;
export declare class BuildToolsMissing extends Error {}
export declare function inputsHash(): string;
export declare function isBuildCurrent(): boolean;
/** Builds when dist/ is missing or older than the sources; resolves with whether this call built. */
export declare function ensureBuilt(options?: { force?: boolean; say?: (line: string) => void }): Promise<boolean>;
