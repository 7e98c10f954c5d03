import { durableObjectConversation, durableObjectDriver } from "./do-driver";
import { roomScenarios } from "./scenarios";

// The shards project spreads a room over fan-out shards from its third person on: every scenario
// with three or more people runs with their sockets on several objects.
roomScenarios("a room over fan-out shards", durableObjectDriver, durableObjectConversation);
