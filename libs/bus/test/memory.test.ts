/**
 * Runs the contract suites against the in-memory adapters, with a fake clock for TTLs.
 */
import { MemoryBus, MemoryStateStore } from '../src/index.js';
import { busContract, stateContract } from './contract.js';

busContract('MemoryBus', async ({ onError }) => new MemoryBus({ onError }));

stateContract('MemoryStateStore', async () => {
  let now = 1_700_000_000_000;
  const store = new MemoryStateStore({ now: () => now });
  return {
    store,
    advance: async (ms) => {
      now += ms;
    },
  };
});
