import { conversationSuite } from "./conversation/index.ts";
import { networkSuite } from "./network/index.ts";
import { persistenceSuite } from "./persistence/index.ts";
import { roomsSuite } from "./rooms/index.ts";
import { simSuite } from "./sim/index.ts";
import type { BenchSuite } from "./suite.ts";
import { webSuite } from "./web/index.ts";

/**
 * Every suite `npm run bench` knows, in the order they run.
 * Add new ones here, one folder each.
 */
export const suites: readonly BenchSuite[] = [simSuite, persistenceSuite, conversationSuite, networkSuite, roomsSuite, webSuite];
