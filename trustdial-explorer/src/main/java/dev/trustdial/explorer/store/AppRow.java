package dev.trustdial.explorer.store;

import dev.trustdial.core.crypto.Address;

/** A registered app and how many jobs it has. */
public record AppRow(
    long appId, Address owner, String mode, String programDigest, long createdTime, int jobs) {}
