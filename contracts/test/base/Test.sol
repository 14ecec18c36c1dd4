// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Vm} from "./Vm.sol";

/// @notice Minimal forge test base: the cheatcode handle, assertions that revert with a readable
///         message, `bound` for fuzz inputs, and the target lists forge's invariant runner reads.
abstract contract Test {
    /// @dev forge's cheatcode address: address(uint160(uint256(keccak256("hevm cheat code")))).
    address internal constant VM_ADDRESS = address(uint160(uint256(keccak256("hevm cheat code"))));
    Vm internal constant vm = Vm(VM_ADDRESS);

    error AssertionFailed(string message);

    // ------------------------------------------------------------ assertions

    function fail(string memory message) internal pure {
        revert AssertionFailed(message);
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) fail(message);
    }

    function assertTrue(bool condition) internal pure {
        assertTrue(condition, "expected true");
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) fail(message);
    }

    function assertFalse(bool condition) internal pure {
        assertFalse(condition, "expected false");
    }

    function assertEq(uint256 actual, uint256 expected, string memory message) internal pure {
        if (actual != expected) fail(_diff(message, vm.toString(actual), vm.toString(expected)));
    }

    function assertEq(uint256 actual, uint256 expected) internal pure {
        assertEq(actual, expected, "uint mismatch");
    }

    function assertEq(address actual, address expected, string memory message) internal pure {
        if (actual != expected) fail(_diff(message, vm.toString(actual), vm.toString(expected)));
    }

    function assertEq(address actual, address expected) internal pure {
        assertEq(actual, expected, "address mismatch");
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory message) internal pure {
        if (actual != expected) fail(_diff(message, vm.toString(actual), vm.toString(expected)));
    }

    function assertEq(bytes32 actual, bytes32 expected) internal pure {
        assertEq(actual, expected, "bytes32 mismatch");
    }

    function assertEq(bool actual, bool expected, string memory message) internal pure {
        if (actual != expected) fail(_diff(message, vm.toString(actual), vm.toString(expected)));
    }

    function assertEq(bool actual, bool expected) internal pure {
        assertEq(actual, expected, "bool mismatch");
    }

    function assertEq(bytes memory actual, bytes memory expected, string memory message) internal pure {
        if (keccak256(actual) != keccak256(expected)) {
            fail(_diff(message, vm.toString(actual), vm.toString(expected)));
        }
    }

    function assertEq(bytes memory actual, bytes memory expected) internal pure {
        assertEq(actual, expected, "bytes mismatch");
    }

    function assertEq(string memory actual, string memory expected, string memory message) internal pure {
        if (keccak256(bytes(actual)) != keccak256(bytes(expected))) fail(_diff(message, actual, expected));
    }

    function assertEq(string memory actual, string memory expected) internal pure {
        assertEq(actual, expected, "string mismatch");
    }

    function assertNotEq(address actual, address unexpected, string memory message) internal pure {
        if (actual == unexpected) fail(string.concat(message, ": both are ", vm.toString(actual)));
    }

    function assertNotEq(bytes32 actual, bytes32 unexpected, string memory message) internal pure {
        if (actual == unexpected) fail(string.concat(message, ": both are ", vm.toString(actual)));
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) fail(string.concat(message, ": ", vm.toString(a), " > ", vm.toString(b)));
    }

    function assertGe(uint256 a, uint256 b, string memory message) internal pure {
        if (a < b) fail(string.concat(message, ": ", vm.toString(a), " < ", vm.toString(b)));
    }

    function assertLt(uint256 a, uint256 b, string memory message) internal pure {
        if (a >= b) fail(string.concat(message, ": ", vm.toString(a), " >= ", vm.toString(b)));
    }

    function assertGt(uint256 a, uint256 b, string memory message) internal pure {
        if (a <= b) fail(string.concat(message, ": ", vm.toString(a), " <= ", vm.toString(b)));
    }

    function _diff(string memory message, string memory actual, string memory expected)
        private
        pure
        returns (string memory)
    {
        return string.concat(message, ": got ", actual, ", expected ", expected);
    }

    // ------------------------------------------------------------ fuzz helpers

    /// @notice Maps any x into [min, max] (inclusive), keeping values already inside unchanged so that
    ///         the fuzzer's edge cases (0, 1, max) still reach the boundaries.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 width = max - min;
        if (width == type(uint256).max) return x;
        return min + (x % (width + 1));
    }

    /// @notice A deterministic labelled account for tests.
    function makeAddr(string memory name) internal returns (address account) {
        account = vm.addr(uint256(keccak256(bytes(name))));
        vm.label(account, name);
    }

    // ------------------------------------------------------------ invariant targets (read by forge)

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    address[] private _targetContracts;
    FuzzSelector[] private _targetSelectors;
    address[] private _targetSenders;

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetSelectors.push(selector);
    }

    function targetSender(address sender) internal {
        _targetSenders.push(sender);
    }

    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }

    function targetSenders() public view returns (address[] memory) {
        return _targetSenders;
    }

    // ------------------------------------------------------------ logging (forge prints these with -vv)

    /// @dev The console address forge intercepts (hardhat's console.log ABI), so tests can print values.
    address internal constant CONSOLE_ADDRESS = 0x000000000000000000636F6e736F6c652e6c6f67;

    /// @notice Prints "key value" in forge's Logs section (-vv).
    function logUint(string memory key, uint256 value) internal view {
        (bool ok,) = CONSOLE_ADDRESS.staticcall(abi.encodeWithSignature("log(string,uint256)", key, value));
        ok;
    }
}
