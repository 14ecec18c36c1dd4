package dev.trustdial.vm.jit;

/**
 * What the JIT of one machine has done so far (for benchmarks and tests; no effect on the state).
 *
 * @param regions regions translated and loaded by this machine
 * @param instructions guest instructions in them
 * @param bytecodeBytes JVM bytecode emitted for them
 * @param compileNanos time spent translating and defining them (not the JVM's own compilation)
 * @param invalidatedPages times a page's translations were dropped because the page was written
 * @param reusedRegions regions taken from the JVM-wide cache (translated earlier for the same page
 *     contents)
 * @param regionRuns calls into translated regions (each returns to the dispatcher)
 * @param translatedSteps steps executed by translated code
 * @param interpretedSteps steps executed by the interpreter under the JIT (cold code, ecalls,
 *     faults, tails)
 */
public record JitStats(
    long regions,
    long instructions,
    long bytecodeBytes,
    long compileNanos,
    long invalidatedPages,
    long reusedRegions,
    long regionRuns,
    long translatedSteps,
    long interpretedSteps) {}
