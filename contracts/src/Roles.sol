// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Operator role bits (a registered operator holds a nonzero mask of them).
library Roles {
    uint8 internal constant COMPUTE = 1;
    uint8 internal constant DA = 2;
    uint8 internal constant VERIFIER = 4;
    /// @dev Runs TEE apps' jobs (holds a TEE install and can reach a KMS); TEE jobs go only to these.
    uint8 internal constant TEE = 8;
    uint8 internal constant ALL = COMPUTE | DA | VERIFIER | TEE;
}
