import { FakeProgrammer, type FakeProgrammerOptions } from '@ispkit/stk500/testing';
import type { CoreEvent, FlowContext } from '../events.js';
import type { ProgrammerLink } from '../link.js';

export interface RecordedFlow {
  /** Every event the flow emitted, in order. */
  events: CoreEvent[];
  ctx: FlowContext;
  link: ProgrammerLink;
  programmer: FakeProgrammer;
  /** Events of one type. */
  of<T extends CoreEvent['type']>(type: T): Extract<CoreEvent, { type: T }>[];
}

/**
 * A flow context that records events, and a link to an in-memory fake programmer (`@ispkit/stk500/testing`):
 * drive any flow with it and assert on the events and on the fake target's memories.
 */
export function recordFlow(options: FakeProgrammerOptions = {}, extra: Partial<FlowContext> & { path?: string } = {}): RecordedFlow {
  const events: CoreEvent[] = [];
  const programmer = new FakeProgrammer(options);
  const ctx: FlowContext = { emit: (e) => void events.push(e), rerun: 'ispkit flash fw.hex', ...extra };
  const link: ProgrammerLink = { path: extra.path ?? '/dev/fake0', stream: programmer.stream };
  return { events, ctx, link, programmer, of: (type) => events.filter((e) => e.type === type) as never };
}
