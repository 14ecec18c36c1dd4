// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {InputOracle} from "../src/InputOracle.sol";

/// @notice Test double: an InputOracle whose BLOBHASH values are set by the test. forge's `vm.blobhashes` does not reach
///         the calls of a test run with --gas-report (each call is isolated in its own transaction), so the blob tests
///         set the hashes here instead. The real opcode with real type-3 transactions is covered on anvil by the Java
///         ITs (ObjectiveGameIT scenario (f), ObjectiveCliIT).
contract BlobHashOracle is InputOracle {
    bytes32[] internal _hashes;

    function setBlobHashes(bytes32[] memory hashes) external {
        _hashes = hashes;
    }

    function _blobHash(uint256 i) internal view override returns (bytes32) {
        return i < _hashes.length ? _hashes[i] : bytes32(0);
    }
}
