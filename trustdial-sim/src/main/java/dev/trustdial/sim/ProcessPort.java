package dev.trustdial.sim;

import dev.trustdial.chain.ChainUnavailableException;
import dev.trustdial.chain.SettlementPort;
import dev.trustdial.chain.TxOutcome;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Random;

/**
 * The settlement port as one simulated process reaches it, through a flaky RPC: every call first
 * passes the process's {@link SimScheduler.Proc#touch} (a killed process gets no further), and with
 * the run's RPC fault rate a call fails before it reaches the chain, or, for a transaction, after
 * the chain applied it with the reply lost. Both throw {@link ChainUnavailableException}, as the
 * real client does when the endpoint drops a request.
 */
final class ProcessPort {
  private ProcessPort() {}

  /**
   * @param faultRate chance per call of a lost request or reply (0 = a perfect RPC)
   * @param random the run's seeded source
   */
  static SettlementPort of(
      SettlementPort chain, SimScheduler.Proc proc, double faultRate, Random random, Stats stats) {
    return (SettlementPort)
        Proxy.newProxyInstance(
            SettlementPort.class.getClassLoader(),
            new Class<?>[] {SettlementPort.class},
            (self, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return objectMethod(self, method, args, proc);
              }
              proc.touch();
              boolean tx = isTransaction(method);
              if (faultRate > 0 && random.nextDouble() < faultRate) {
                if (tx && random.nextBoolean()) {
                  invoke(chain, method, args); // applied onchain; the reply is lost
                  stats.lostReplies++;
                  throw new ChainUnavailableException(
                      method.getName() + ": connection reset before the reply (simulated)", null);
                }
                stats.lostRequests++;
                throw new ChainUnavailableException(
                    method.getName() + ": connection refused (simulated)", null);
              }
              return invoke(chain, method, args);
            });
  }

  /** Counts of injected RPC faults. */
  static final class Stats {
    long lostRequests;
    long lostReplies;
  }

  private static boolean isTransaction(Method m) {
    return m.getReturnType() == TxOutcome.class
        || m.getReturnType() == SettlementPort.Created.class;
  }

  private static Object invoke(SettlementPort chain, Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(chain, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Object objectMethod(
      Object self, Method method, Object[] args, SimScheduler.Proc proc) {
    return switch (method.getName()) {
      case "equals" -> self == args[0];
      case "hashCode" -> System.identityHashCode(self);
      default -> "SettlementPort of " + proc.name();
    };
  }
}
