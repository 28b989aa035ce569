/** Intel HEX record types. */
export const RecordType = {
  data: 0x00,
  endOfFile: 0x01,
  extendedSegmentAddress: 0x02,
  startSegmentAddress: 0x03,
  extendedLinearAddress: 0x04,
  startLinearAddress: 0x05,
} as const;
