package dev.cairn.apiserver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a Node reports about its machine: OS image, kernel, architecture, as the kubelet does. */
final class NodeInfo {
    private NodeInfo() {
    }

    /** PRETTY_NAME from /etc/os-release, as the kubelet reports it. */
    static String osImage(Path osRelease) {
        try {
            for (String line : Files.readAllLines(osRelease)) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "").trim();
                }
            }
        } catch (IOException e) {
            // no os-release: report as the kubelet does without it
        }
        return "Unknown";
    }

    static String kernelVersion() {
        return System.getProperty("os.version", "");
    }

    static String operatingSystem() {
        return System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    }

    /** Go's GOARCH name of the JVM's architecture. */
    static String goArch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> arch;
        };
    }
}
