// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

// Hostile contracts that answer any call (through a fallback): as a ZK app's Groth16 verifier (ZkModeTest) or as a
// mode adapter registered in JobManager (ModeRegistryTest), each must be refused and change nothing.

/// @notice Answers any call with the raw bytes it was built with (or reverts with them).
contract RawVerifier {
    bytes internal _answer;
    bool internal _reverts;

    constructor(bytes memory answer, bool reverts) {
        _answer = answer;
        _reverts = reverts;
    }

    fallback(bytes calldata) external returns (bytes memory) {
        bytes memory answer = _answer;
        if (_reverts) {
            assembly {
                revert(add(answer, 0x20), mload(answer))
            }
        }
        return answer;
    }
}

/// @notice Burns every unit of gas it is given.
contract GasBurner {
    fallback() external {
        uint256 x;
        while (true) {
            x = uint256(keccak256(abi.encode(x)));
        }
    }
}

/// @notice Would accept, but only after writing its own storage: a state change a staticcall refuses.
contract StatefulVerifier {
    uint256 public calls;

    fallback(bytes calldata) external returns (bytes memory) {
        calls += 1;
        return abi.encode(uint256(1));
    }
}

/// @notice Calls back into JobManager with a stored payload and accepts iff that reentry succeeded.
contract Reenterer {
    address internal immutable _target;
    bytes internal _payload;

    constructor(address target) {
        _target = target;
    }

    function setPayload(bytes calldata payload) external {
        _payload = payload;
    }

    fallback(bytes calldata) external returns (bytes memory) {
        (bool ok,) = _target.call(_payload);
        return abi.encode(ok ? uint256(1) : uint256(0));
    }
}
