/**
 * The Node-only part of @ispkit/boards (reads board files, writes the generated headers), kept off the main entry
 * so the web page can import the board table: `import { loadBoardFile, writeBoardHeaders } from '@ispkit/boards/node'`.
 */
export { writeBoardHeaders, type WrittenHeaders } from './write-headers.js';
export { loadBoardFile } from './board-file.js';
