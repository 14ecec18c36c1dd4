package dev.trustdial.core.process;

import java.nio.charset.StandardCharsets;

/**
 * A child main for {@link ChildJvmIT}: prints {@code args[1..]} as lines (stdout, except a line
 * starting "err:" which goes to stderr), then does what {@code args[0]} says: "serve" sleeps until
 * killed, "exit:N" exits with status N, "env:NAME" prints "env NAME=VALUE" then serves.
 */
public final class ScriptedChild {
  private ScriptedChild() {}

  public static void main(String[] args) throws Exception {
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("err:")) {
        System.err.println(args[i].substring(4));
      } else {
        System.out.println(args[i]);
      }
    }
    System.out.flush();
    if (args[0].startsWith("exit:")) {
      System.exit(Integer.parseInt(args[0].substring(5)));
    }
    if (args[0].startsWith("env:")) {
      String name = args[0].substring(4);
      System.out.println(
          "env " + name + "=" + System.getenv(name) + " cwd=" + System.getProperty("user.dir"));
      System.out.println(
          "listening 7 utf8 "
              + new String(
                  "\u00e9t\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
      System.out.flush();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
