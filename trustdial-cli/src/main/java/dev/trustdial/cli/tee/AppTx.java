package dev.trustdial.cli.tee;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

abstract class AppTx implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DevnetAccount account;

  @Option(names = "--artifact", required = true, paramLabel = "PATH")
  Path artifact;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "Policy bytes written by 'trustdial tee policy'.")
  Path policy;
}
