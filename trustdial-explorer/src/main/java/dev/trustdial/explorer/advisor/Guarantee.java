package dev.trustdial.explorer.advisor;

/**
 * What a dishonest operator must corrupt to get a wrong result accepted in a mode, how anyone
 * checks a result, and which of the mode's assumptions this deployment only simulates.
 */
public record Guarantee(String mustCorrupt, String reexecution, String simulatedHere) {}
