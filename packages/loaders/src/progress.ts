/** Progress of a flash install, in bytes; `erase` has total 1 (it is one command). */
export interface LoaderProgress {
  phase: 'erase' | 'write' | 'verify';
  done: number;
  total: number;
}

export type ProgressListener = (p: LoaderProgress) => void;
