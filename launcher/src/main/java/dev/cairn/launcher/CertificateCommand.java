package dev.cairn.launcher;

import picocli.CommandLine.Command;

/** {@code cairn certificate}: groups the certificate commands (only {@code rotate} so far, as in K3s). */
@Command(name = "certificate", mixinStandardHelpOptions = true, commandListHeading = "%nCommands:%n",
        description = "Manage this server's certificates.")
final class CertificateCommand {
}
