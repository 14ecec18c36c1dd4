package dev.trustdial.da.node;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Signature;

/** A node's answer to a dispersal: its attestation signature over the blob key. */
public record StoreReceipt(Bytes32 blobKey, Address operator, Signature signature) {}
