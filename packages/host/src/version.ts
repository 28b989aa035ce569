/** The ispkit version, shown by `--version` and written into backup files. */
export const VERSION = '0.1.0';
