import { buildProgram, readOptions } from "./options";
import { runTerminal } from "./run-terminal";

/** `hallway`: the terminal client on this process's streams; the exit status is the run's. */
const program = buildProgram();
program.parse();
const code = await runTerminal(readOptions(program), process);
process.exit(code);
