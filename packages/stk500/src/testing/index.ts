export { FakeProgrammer, type FakeProgrammerOptions, type FakeProgrammerStats } from './fake-programmer.js';
export { FakeTarget, type FakeTargetOptions } from './fake-target.js';
export { MemoryStream } from './memory-stream.js';
export { atmega32u4TestTarget } from './test-target.js';
export { programmerContract, type ContractSubject } from './programmer-contract.js';
