// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "./base/Test.sol";
import {RiscvStep} from "../src/RiscvStep.sol";
import {VmFiles} from "./RiscvStepCorpus.t.sol";

/// @notice Blob-form inputs (vm.md §4.1.1, §9.2): every read_input witness of docs/spec/vm-blob-vectors.json (written
///         by the Java BlobInputsTest with real KZG openings: one element, two elements, two elements in different
///         blobs) gets Java's post state from RiscvStep through the point-evaluation precompile, and every tampered
///         byte of the blob record (y, mask, k, a versioned hash, a commitment, a proof, a truncation, a trailing
///         byte) makes the step revert.
contract RiscvStepBlobTest is Test {
    VmFiles internal constant files = VmFiles(VM_ADDRESS);
    address internal constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;
    string internal constant VECTORS = "../docs/spec/vm-blob-vectors.json";
    RiscvStep internal rv;
    string internal json;
    uint256 internal count;

    function setUp() public {
        rv = new RiscvStep();
        json = files.readFile(VECTORS);
        while (files.keyExistsJson(json, _key(count, "proof"))) count++;
    }

    function _key(uint256 i, string memory field) internal pure returns (string memory) {
        return string.concat(".witnesses[", vm.toString(i), "].", field);
    }

    function test_vectors_javaEqualsSolidity() public {
        assertGt(count, 4, "the vector file has the reads");
        uint256 twoBlobs;
        for (uint256 i; i < count; i++) {
            bytes memory pre = files.parseJsonBytes(json, _key(i, "preState"));
            bytes memory proof = files.parseJsonBytes(json, _key(i, "proof"));
            (bytes32 post, uint8 status) = rv.step(pre, proof);
            assertEq(post, files.parseJsonBytes32(json, _key(i, "postStateHash")), "post state");
            assertEq(status, 0);
            uint256 first = files.parseJsonUint(json, _key(i, "firstElement"));
            uint256 n = files.parseJsonUint(json, _key(i, "elements"));
            if (first / 4096 != (first + n - 1) / 4096) twoBlobs++;
        }
        assertGt(twoBlobs, 0, "a read across the boundary between two blobs");
    }

    /// @notice Gas of a blob read step (one and two point evaluations), for the README's table.
    function test_gas_blobReads() public {
        for (uint256 i; i < count; i++) {
            bytes memory pre = files.parseJsonBytes(json, _key(i, "preState"));
            bytes memory proof = files.parseJsonBytes(json, _key(i, "proof"));
            uint256 g = gasleft();
            rv.step(pre, proof);
            g -= gasleft();
            (bool ok,) = CONSOLE.staticcall(abi.encodeWithSignature("log(string,uint256)", string.concat("blob read step gas, elements = ",
                vm.toString(files.parseJsonUint(json, _key(i, "elements")))), g));
            ok;
        }
    }

    function test_tamperedRecords_revert() public {
        for (uint256 i; i < count; i++) {
            bytes memory pre = files.parseJsonBytes(json, _key(i, "preState"));
            bytes memory proof = files.parseJsonBytes(json, _key(i, "proof"));
            uint256 n = files.parseJsonUint(json, _key(i, "elements"));
            (uint256 rec, uint256 k) = _findRecord(proof, n);
            uint256[8] memory at = [rec + 31, rec + 32, rec + 35, rec + 36, rec + 40, rec + 37 + 32 * k + 5, rec + 37 + 32 * k + 70, rec];
            for (uint256 j; j < at.length; j++) {
                bytes memory bad = bytes.concat(proof);
                bad[at[j]] = bytes1(uint8(bad[at[j]]) ^ (j == 7 ? 0x01 : 0x10));
                vm.expectRevert();
                rv.step(pre, bad);
            }
            bytes memory short = new bytes(proof.length - 1);
            for (uint256 j; j < short.length; j++) short[j] = proof[j];
            vm.expectRevert();
            rv.step(pre, short);
            vm.expectRevert();
            rv.step(pre, bytes.concat(proof, hex"00"));
        }
    }

    /// @dev The blob record is last and 37 + 32k + 128m - 32 bytes long for m elements: the k whose start has the
    ///      0x80000000 mask and the byte k.
    function _findRecord(bytes memory proof, uint256 m) internal pure returns (uint256 rec, uint256 k) {
        for (k = 1; k <= 6; k++) {
            uint256 len = 37 + 32 * k + 128 * m - 32;
            if (len > proof.length) break;
            rec = proof.length - len;
            if (uint8(proof[rec + 32]) == 0x80 && proof[rec + 33] == 0 && proof[rec + 34] == 0 && proof[rec + 35] == 0
                && uint8(proof[rec + 36]) == k) return (rec, k);
        }
        revert("no blob record");
    }
}
