export declare const VENDORED: readonly string[];
export declare function bundle(name: string): Promise<string>;
export declare function declarations(name: string): string;
