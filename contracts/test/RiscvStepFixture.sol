// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "./base/Test.sol";
import {RiscvStep} from "../src/RiscvStep.sol";

/// @notice Test helpers for RiscvStep: docs/spec/vm.md v2 §5 states, a small sparse memory (a few
///         set leaves) with its depth-27 root (§2), and the compressed proof records of §9.2, all
///         computed independently of the contract (recursive tree, zero hashes computed here).
abstract contract RiscvStepFixture is Test {
    uint32 internal constant RAM_BASE = 0x10000;
    uint32 internal constant PC0 = 0x10000; // the code leaf: 2048
    uint32 internal constant DEFAULT_RAM_END = 0x20010000;
    uint256 internal constant CAP = 16; // set leaves a Mem can hold
    bytes32 internal constant EMPTY_ROOT = 0x838c5655cb21c6cb83313b5a631175dff4963772cce9108188b34ac87c81c41e;
    address internal constant CONSOLE = 0x000000000000000000636F6e736F6c652e6c6f67;

    // register numbers
    uint256 internal constant T0 = 5;
    uint256 internal constant T1 = 6;
    uint256 internal constant T2 = 7;
    uint256 internal constant A0 = 10;
    uint256 internal constant A1 = 11;
    uint256 internal constant A2 = 12;
    uint256 internal constant A7 = 17;

    /// @notice A decoded §5 state.
    struct St {
        uint32 pc;
        uint32[32] x;
        bytes32 memRoot;
        bytes32 inputRoot;
        uint32 inputLength;
        uint32 inputCursor;
        bytes32 outputAcc;
        bytes32 outputBuf;
        uint32 outputLength;
        uint32 outputLimit;
        uint32 ramEnd;
        uint64 step;
        uint32 status;
        uint32 exitCode;
    }

    /// @notice A sparse memory (or input): leaf index -> 32-byte leaf; absent leaves are zero.
    struct Mem {
        uint256 n;
        uint256[16] idx;
        bytes32[16] val;
    }

    RiscvStep internal rv;
    bytes32[28] internal zh; // Z0..Z27

    constructor() {
        for (uint256 l = 0; l < 27; l++) {
            zh[l + 1] = keccak256(abi.encodePacked(zh[l], zh[l]));
        }
    }

    function setUp() public virtual {
        rv = new RiscvStep();
    }

    // ------------------------------------------------------------------ logging (forge's console)

    function _log(string memory s) internal view {
        (bool ok,) = CONSOLE.staticcall(abi.encodeWithSignature("log(string)", s));
        ok;
    }

    // ------------------------------------------------------------------ sparse memory

    function _get(Mem memory m, uint256 i) internal pure returns (bytes32) {
        for (uint256 j = 0; j < m.n; j++) {
            if (m.idx[j] == i) return m.val[j];
        }
        return bytes32(0);
    }

    function _set(Mem memory m, uint256 i, bytes32 v) internal pure {
        for (uint256 j = 0; j < m.n; j++) {
            if (m.idx[j] == i) {
                m.val[j] = v;
                return;
            }
        }
        require(m.n < CAP, "Mem full");
        m.idx[m.n] = i;
        m.val[m.n] = v;
        m.n++;
    }

    /// @dev The node at `level` (0 = leaf) and position `index` of the depth-27 tree.
    function _node(Mem memory m, uint256 level, uint256 index) internal view returns (bytes32) {
        if (level == 0) return _get(m, index);
        bool any;
        for (uint256 j = 0; j < m.n; j++) {
            if (m.idx[j] >> level == index) {
                any = true;
                break;
            }
        }
        if (!any) return zh[level];
        return keccak256(abi.encodePacked(_node(m, level - 1, 2 * index), _node(m, level - 1, 2 * index + 1)));
    }

    function _root(Mem memory m) internal view returns (bytes32) {
        return _node(m, 27, 0);
    }

    /// @dev §9.2 k of a later record: 0 for the same leaf, else the highest differing bit.
    function _k(uint256 a, uint256 p) internal pure returns (uint256 k) {
        uint256 d = a ^ p;
        while (d > 1) {
            d >>= 1;
            k++;
        }
    }

    /// @dev A shortest record (every zero sibling omitted) for leaf i with k explicit levels.
    function _rec(Mem memory m, uint256 i, uint256 k) internal view returns (bytes memory r) {
        uint32 mask;
        bytes memory sibs;
        for (uint256 l = 0; l < k; l++) {
            bytes32 s = _node(m, l, (i >> l) ^ 1);
            if (s == zh[l]) mask |= uint32(1 << l);
            else sibs = bytes.concat(sibs, s);
        }
        r = bytes.concat(_get(m, i), bytes4(mask), sibs);
    }

    /// @dev A record with every sibling explicit (mask 0), zero hashes included.
    function _recFull(Mem memory m, uint256 i) internal view returns (bytes memory r) {
        r = bytes.concat(_get(m, i), bytes4(0));
        for (uint256 l = 0; l < 27; l++) {
            r = bytes.concat(r, _node(m, l, (i >> l) ^ 1));
        }
    }

    function _getByte(Mem memory m, uint256 addr) internal pure returns (uint8) {
        return uint8(_get(m, addr >> 5)[addr & 31]);
    }

    function _setByte(Mem memory m, uint256 addr, uint8 b) internal pure {
        uint256 sh = 8 * (31 - (addr & 31));
        uint256 leaf = uint256(_get(m, addr >> 5));
        leaf = (leaf & ~(uint256(0xff) << sh)) | (uint256(b) << sh);
        _set(m, addr >> 5, bytes32(leaf));
    }

    /// @dev Writes `size` bytes of v little-endian at addr.
    function _poke(Mem memory m, uint256 addr, uint256 size, uint256 v) internal pure {
        for (uint256 i = 0; i < size; i++) {
            _setByte(m, (addr + i) & 0xffffffff, uint8(v >> (8 * i)));
        }
    }

    function _peek(Mem memory m, uint256 addr, uint256 size) internal pure returns (uint256 v) {
        for (uint256 i = 0; i < size; i++) {
            v |= uint256(_getByte(m, (addr + i) & 0xffffffff)) << (8 * i);
        }
    }

    function _pokeBytes(Mem memory m, uint256 addr, bytes memory b) internal pure {
        for (uint256 i = 0; i < b.length; i++) {
            _setByte(m, addr + i, uint8(b[i]));
        }
    }

    /// @dev The records of a load of `size` bytes at addr after an access to leaf `prev`.
    function _loadRecs(Mem memory m, uint256 prev, uint256 addr, uint256 size) internal view returns (bytes memory r) {
        uint256 first = addr >> 5;
        uint256 last = (addr + size - 1) >> 5;
        r = _rec(m, first, _k(first, prev));
        if (last != first) r = bytes.concat(r, _rec(m, last, _k(last, first)));
    }

    /// @dev The records of a store (applying it to m leaf by leaf, as §9.1 orders it).
    function _storeRecs(Mem memory m, uint256 prev, uint256 addr, uint256 size, uint256 v)
        internal
        view
        returns (bytes memory r)
    {
        uint256 first = addr >> 5;
        uint256 last = (addr + size - 1) >> 5;
        r = _rec(m, first, _k(first, prev));
        for (uint256 i = 0; i < size; i++) {
            if ((addr + i) >> 5 == first) _setByte(m, addr + i, uint8(v >> (8 * i)));
        }
        if (last != first) {
            r = bytes.concat(r, _rec(m, last, _k(last, first)));
            for (uint256 i = 0; i < size; i++) {
                if ((addr + i) >> 5 == last) _setByte(m, addr + i, uint8(v >> (8 * i)));
            }
        }
    }

    /// @dev The input tree (§4.1) of `data`: chunk c is leaf c, the last one zero-padded.
    function _inputMem(bytes memory data) internal pure returns (Mem memory inp) {
        for (uint256 i = 0; i < data.length; i++) {
            _setByte(inp, i, uint8(data[i]));
        }
    }

    // ------------------------------------------------------------------ §5 states

    /// @dev A running state at PC0 over memory m: empty input and output, default app parameters.
    function _state(Mem memory m) internal view returns (St memory s) {
        s.pc = PC0;
        s.memRoot = _root(m);
        s.inputRoot = zh[27];
        s.outputLimit = 1 << 26;
        s.ramEnd = DEFAULT_RAM_END;
    }

    function _enc(St memory s) internal pure returns (bytes memory b) {
        b = abi.encodePacked(s.pc);
        for (uint256 i = 0; i < 32; i++) {
            b = bytes.concat(b, bytes4(s.x[i]));
        }
        b = bytes.concat(b, s.memRoot, s.inputRoot, bytes4(s.inputLength), bytes4(s.inputCursor));
        b = bytes.concat(b, s.outputAcc, s.outputBuf, bytes4(s.outputLength), bytes4(s.outputLimit));
        b = bytes.concat(b, bytes4(s.ramEnd), bytes8(s.step), bytes4(s.status), bytes4(s.exitCode));
    }

    function _u32(bytes memory b, uint256 off) internal pure returns (uint32 v) {
        assembly ("memory-safe") {
            v := shr(224, mload(add(add(b, 32), off)))
        }
    }

    function _b32(bytes memory b, uint256 off) internal pure returns (bytes32 v) {
        assembly ("memory-safe") {
            v := mload(add(add(b, 32), off))
        }
    }

    function _dec(bytes memory b) internal pure returns (St memory s) {
        require(b.length == 296, "encoding length");
        s.pc = _u32(b, 0);
        for (uint256 i = 0; i < 32; i++) {
            s.x[i] = _u32(b, 4 + 4 * i);
        }
        s.memRoot = _b32(b, 132);
        s.inputRoot = _b32(b, 164);
        s.inputLength = _u32(b, 196);
        s.inputCursor = _u32(b, 200);
        s.outputAcc = _b32(b, 204);
        s.outputBuf = _b32(b, 236);
        s.outputLength = _u32(b, 268);
        s.outputLimit = _u32(b, 272);
        s.ramEnd = _u32(b, 276);
        s.step = uint64(uint256(_b32(b, 280)) >> 192);
        s.status = _u32(b, 288);
        s.exitCode = _u32(b, 292);
    }

    /// @dev Steps s with the proof through both entry points; checks they agree; returns the successor.
    function _step(St memory s, bytes memory proof) internal view returns (St memory post) {
        bytes memory pre = _enc(s);
        bytes memory out = rv.stepState(pre, proof);
        (bytes32 h, uint8 st) = rv.step(pre, proof);
        assertEq(h, keccak256(out), "step() hash is keccak256(stepState())");
        assertEq(uint256(st), uint256(_u32(out, 288)), "step() status is the post-state's");
        post = _dec(out);
        assertEq(keccak256(_enc(post)), h, "post-state re-encodes");
    }

    /// @dev The faulted successor of s (§6): s with step + 1, status 2, exitCode = class.
    function _faulted(St memory s, uint32 class) internal pure returns (bytes32) {
        bytes memory b = _enc(s);
        St memory f = _dec(b);
        f.step += 1;
        f.status = 2;
        f.exitCode = class;
        return keccak256(_enc(f));
    }

    function _expectFault(St memory s, bytes memory proof, uint32 class, string memory what) internal view {
        bytes memory pre = _enc(s);
        (bytes32 h, uint8 st) = rv.step(pre, proof);
        assertEq(uint256(st), 2, string.concat(what, ": status"));
        assertEq(_u32(rv.stepState(pre, proof), 292), class, string.concat(what, ": fault class"));
        assertEq(h, _faulted(s, class), string.concat(what, ": faulted state is the pre-state with step+1"));
    }

    function _badProof(RiscvStep.ProofError why, uint256 record) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(RiscvStep.BadProof.selector, why, record);
    }

    function _badState(RiscvStep.StateError why) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(RiscvStep.BadState.selector, why);
    }

    // ------------------------------------------------------------------ instruction encoders (§1)

    function _r(uint256 f7, uint256 rs2, uint256 rs1, uint256 f3, uint256 rd, uint256 op)
        internal
        pure
        returns (uint32)
    {
        return uint32((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
    }

    function _i(int256 imm, uint256 rs1, uint256 f3, uint256 rd, uint256 op) internal pure returns (uint32) {
        return uint32(((uint256(imm) & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op);
    }

    function _s(int256 imm, uint256 rs2, uint256 rs1, uint256 f3) internal pure returns (uint32) {
        uint256 u = uint256(imm) & 0xfff;
        return uint32(((u >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 31) << 7) | 0x23);
    }

    function _b(int256 imm, uint256 rs2, uint256 rs1, uint256 f3) internal pure returns (uint32) {
        uint256 u = uint256(imm) & 0x1fff;
        return uint32(
            (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12)
                | (((u >> 1) & 0xf) << 8) | (((u >> 11) & 1) << 7) | 0x63
        );
    }

    function _j(int256 imm, uint256 rd) internal pure returns (uint32) {
        uint256 u = uint256(imm) & 0x1fffff;
        return uint32(
            (((u >> 20) & 1) << 31) | (((u >> 1) & 0x3ff) << 21) | (((u >> 11) & 1) << 20) | (((u >> 12) & 0xff) << 12)
                | (rd << 7) | 0x6f
        );
    }

    function _u(uint256 imm20, uint256 rd, uint256 op) internal pure returns (uint32) {
        return uint32((imm20 << 12) | (rd << 7) | op);
    }

    // ------------------------------------------------------------------ one-instruction runs

    /// @dev Runs `ins` at PC0 with t0 = a, t1 = b (only the code leaf set); returns the successor.
    function _run1(uint32 ins, uint32 a, uint32 b) internal view returns (St memory post) {
        Mem memory m;
        _poke(m, PC0, 4, ins);
        St memory s = _state(m);
        s.x[T0] = a;
        s.x[T1] = b;
        post = _step(s, _rec(m, PC0 >> 5, 27));
    }

    /// @dev The value `ins` (rd = t2) leaves in t2, checking it executed and advanced pc.
    function _alu(uint32 ins, uint32 a, uint32 b) internal view returns (uint32) {
        St memory post = _run1(ins, a, b);
        assertEq(post.status, 0, "alu: running");
        assertEq(post.pc, PC0 + 4, "alu: pc + 4");
        assertEq(post.step, 1, "alu: step + 1");
        return post.x[T2];
    }
}
