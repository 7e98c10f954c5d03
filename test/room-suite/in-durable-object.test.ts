import { durableObjectConversation, durableObjectDriver } from "./do-driver";
import { roomScenarios } from "./scenarios";

roomScenarios("the Durable Object", durableObjectDriver, durableObjectConversation);
