package dev.cairn.launcher;

import java.io.PrintStream;

/** A {@code cairn} subcommand that manages the installation or the data dir rather than running a server. */
interface ServiceCommand {

    /** Runs the command with the distribution of this process and the host's systemctl; returns the exit status. */
    int run(PrintStream out) throws InstallException, StartupException, RotationException, ServerCommandException;
}
