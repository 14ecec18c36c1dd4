// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ZERO_HASHES} from "./ZeroHashes.sol";

import {IRiscvStep} from "./IRiscvStep.sol";

/// @title RiscvStep
/// @notice One step of the TrustDial RV32IM machine, the onchain mirror of docs/spec/vm.md v2 (§6).
///         `step` takes a pre-state (the 296-byte encoding of §5) and the compressed proof of §9.2 and
///         returns the hash and status of the successor state; `stepState` returns the successor's
///         encoding itself. The step function is total: every valid pre-state with a good proof has an
///         answer (a terminal state steps to itself, a fault enters the faulted state). Only an invalid
///         pre-state (`BadState`) or a bad proof (`BadProof`) reverts.
/// @dev    No storage, no owner. Memory is a depth-27 keccak tree of 32-byte leaves (§2); the proof
///         holds one record per memory access in the order of §9.1 (the leaf holding pc, then the
///         data leaves) and, for a `read_input` with n > 0, one input record last (§4.1). A later
///         memory record shares the siblings above the highest bit in which its leaf index differs
///         from the previous access's (§9.2), so it is checked against the current root (after the
///         previous access's write) by comparing one node.
contract RiscvStep is IRiscvStep {
    // ------------------------------------------------------------------ §5 state encoding (big-endian)
    uint256 private constant STATE_BYTES = 296;
    uint256 private constant OFF_PC = 0;
    uint256 private constant OFF_REGS = 4;
    uint256 private constant OFF_MEM_ROOT = 132;
    uint256 private constant OFF_INPUT_ROOT = 164;
    uint256 private constant OFF_INPUT_LENGTH = 196;
    uint256 private constant OFF_INPUT_CURSOR = 200;
    uint256 private constant OFF_OUTPUT_ACC = 204;
    uint256 private constant OFF_OUTPUT_BUF = 236;
    uint256 private constant OFF_OUTPUT_LENGTH = 268;
    uint256 private constant OFF_OUTPUT_LIMIT = 272;
    uint256 private constant OFF_RAM_END = 276;
    uint256 private constant OFF_STEP = 280;
    uint256 private constant OFF_STATUS = 288;
    uint256 private constant OFF_EXIT_CODE = 292;

    // ------------------------------------------------------------------ §2 memory, §6 status and faults
    uint256 private constant RAM_BASE = 0x0001_0000;
    uint256 private constant MAX_RAM_END = 0x8000_0000;
    uint256 private constant DEPTH = 27;
    uint256 private constant M32 = 0xffffffff;
    /// @dev `Ctx.prev` before the first memory record of a step (leaf indices are < 2^27).
    uint256 private constant NO_LEAF = type(uint256).max;

    uint256 private constant STATUS_RUNNING = 0;
    uint256 private constant STATUS_EXITED = 1;
    uint256 private constant STATUS_FAULTED = 2;
    uint256 private constant FAULT_ILLEGAL = 1;
    uint256 private constant FAULT_MISALIGNED_PC = 2;
    uint256 private constant FAULT_OUT_OF_RANGE = 3;
    uint256 private constant FAULT_UNKNOWN_ECALL = 4;
    uint256 private constant FAULT_OUTPUT_LIMIT = 5;

    // ------------------------------------------------------------------ §4.1.1 blob-form inputs
    /// @dev Input byte b is DA payload byte 56 + b (the payload's u32 length and the 52-byte envelope header first).
    uint256 private constant BLOB_OFFSET = 56;
    uint256 private constant MAX_INPUT_BLOBS = 6;
    uint256 private constant BLOB_RECORD_MASK = 0x80000000;
    /// @dev The point-evaluation precompile's fixed price: a failing call burns only this, not the caller's gas.
    uint256 private constant POINT_EVALUATION_GAS = 50_000;
    uint256 private constant BLS_MODULUS = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001;
    /// @dev 7^((r-1)/4096) mod r: EIP-4844's primitive 4096-th root of unity.
    uint256 private constant BLS_OMEGA_4096 = 0x564c0a11a0f704f4fc3e8acfe0f8245f0ad1347b378fbf96e206da11a5d36306;


    /// @notice Why a pre-state encoding is not valid (§5).
    enum StateError {
        Length, // not 296 bytes
        X0, // x0 != 0
        InputCursor, // inputCursor > inputLength
        OutputLength, // outputLength > outputLimit
        OutputBuf, // a nonzero byte of outputBuf at or after offset outputLength mod 32
        RamEnd, // ramEnd not a multiple of 4096 in (0x00010000, 0x80000000]
        Step, // step >= 2^63, or a running state at step 2^63 - 1 (its successor's step would be invalid)
        Status, // status > 2
        ExitCode // exitCode != 0 while running, or not in 1..5 when faulted
    }

    /// @notice Why a proof is bad (§9.2).
    enum ProofError {
        RootMismatch, // the record does not reach the current root (memory or input), or a k = 0 record's leaf differs
        MaskBit, // a mask bit set at a level >= k
        Truncated, // a record needs bytes past the end of the proof
        Trailing, // bytes left over after the last record the step reads
        BlobOpening // a blob input record (§9.2) that does not open the input: k, root, element or point evaluation
    }

    /// @notice The pre-state is not a valid §5 encoding.
    error BadState(StateError why);
    /// @notice Record number `record` (0-based, in proof order) is bad; for `Trailing`, the number of
    ///         records the step read.
    error BadProof(ProofError why, uint256 record);

    /// @dev Everything one step carries between its helpers (memory addresses, calldata offsets).
    ///      The assembly below reads the fields by offset: s 0x00, p 0x20, end 0x40, rec 0x60,
    ///      prev 0x80, t 0xa0.
    struct Ctx {
        uint256 s; // memory address of the post-state encoding (starts as a copy of the pre-state)
        uint256 p; // calldata offset of the next unread proof byte
        uint256 end; // calldata offset just past the proof
        uint256 rec; // records read so far
        uint256 prev; // leaf index of the previous memory record (NO_LEAF before the first)
        uint256 t; // memory address of the Merkle tables (T_* below)
    }

    /// @dev Layout of the Merkle tables at Ctx.t: the zero hashes Z0..Z26 (the shared table also holds Z27, which
    ///      the sibling table overwrites), the current path's
    ///      siblings (levels 0..26), its own nodes (level 0 = the leaf .. 27 = the root, after the
    ///      path's write if any), and 64 bytes of scratch for accesses spanning two leaves.
    uint256 private constant T_ZERO = 0;
    uint256 private constant T_SIB = 864;
    uint256 private constant T_NODE = 1728;
    uint256 private constant T_NODE_1 = 1760; // T_NODE + 32: the node at level 1
    uint256 private constant T_BUF = 2624;
    uint256 private constant T_SIZE = 2688;

    // ================================================================== external interface

    /// @notice Executes one step (docs/spec/vm.md v2 §6) of a valid pre-state.
    /// @param preState the 296-byte state encoding of §5
    /// @param proof the compressed proof of §9.2: one record per memory access (§9.1 order), then the
    ///        input record of a `read_input` with n > 0; nothing else
    /// @return postStateHash keccak256 of the successor's encoding (equal to keccak256(stepState(...)))
    /// @return status the successor's status: 0 running, 1 exited, 2 faulted
    function step(bytes calldata preState, bytes calldata proof)
        external
        view
        returns (bytes32 postStateHash, uint8 status)
    {
        bytes memory post = _step(preState, proof);
        assembly ("memory-safe") {
            postStateHash := keccak256(add(post, 32), STATE_BYTES)
            status := byte(3, mload(add(post, add(32, OFF_STATUS))))
        }
    }

    /// @notice The successor's full 296-byte encoding (for debugging and differential tests); same
    ///         checks and reverts as `step`.
    /// @param preState the 296-byte state encoding of §5
    /// @param proof the compressed proof of §9.2
    /// @return postState the successor state's §5 encoding
    function stepState(bytes calldata preState, bytes calldata proof) external view returns (bytes memory postState) {
        return _step(preState, proof);
    }

    // ================================================================== §6 the step function

    function _step(bytes calldata pre, bytes calldata proof) private view returns (bytes memory post) {
        post = _decode(pre);
        Ctx memory c;
        assembly ("memory-safe") {
            mstore(c, add(post, 32))
        }
        c.p = _offset(proof);
        c.end = c.p + proof.length;
        // §6.1: a terminal state (exited or faulted) steps to itself; its proof is empty.
        if (_get32(c.s, OFF_STATUS) == STATUS_RUNNING) _run(c);
        if (c.p != c.end) revert BadProof(ProofError.Trailing, c.rec);
    }

    /// @dev §6.2-§6.5 for a running state; writes the successor into c.s.
    function _run(Ctx memory c) private view {
        uint256 s = c.s;
        // A running state at step 2^63 - 1 has no valid successor (§5: step < 2^63); refused like an
        // invalid pre-state, as the Java checker does.
        if (_getStep(s) == type(uint64).max >> 1) revert BadState(StateError.Step);
        uint256 pc = _get32(s, OFF_PC);
        uint256 fault;
        if (pc & 3 != 0) {
            fault = FAULT_MISALIGNED_PC; // §6.2
        } else if (pc < RAM_BASE || pc >= _get32(s, OFF_RAM_END)) {
            fault = FAULT_OUT_OF_RANGE; // §6.3
        } else {
            _initMerkle(c);
            uint256 leaf = _access(c, pc >> 5); // §6.4: memory access 1, the fetch
            fault = _execute(c, pc, _le32(leaf, pc & 31));
        }
        // A fault leaves pc, registers, memory, input and output as they were: `_execute` changes the
        // state only once it knows the instruction does not fault.
        if (fault != 0) {
            _set32(s, OFF_STATUS, STATUS_FAULTED);
            _set32(s, OFF_EXIT_CODE, fault);
        }
        unchecked {
            _setStep(s, _getStep(s) + 1);
        }
    }

    /// @dev §1: executes the fetched word `ins`; returns the fault class, 0 when it executed.
    function _execute(Ctx memory c, uint256 pc, uint256 ins) private view returns (uint256 fault) {
        unchecked {
            uint256 opcode = ins & 0x7f;
            uint256 nextPc = (pc + 4) & M32;
            uint256 rd = (ins >> 7) & 31; // set to 0 for the forms that write no register
            uint256 v; // the value for rd
            if (opcode == 0x13) {
                (v, fault) = _opImm(ins, _reg(c.s, (ins >> 15) & 31));
            } else if (opcode == 0x33) {
                (v, fault) = _op(ins, _reg(c.s, (ins >> 15) & 31), _reg(c.s, (ins >> 20) & 31));
            } else if (opcode == 0x03) {
                (v, fault) = _load(c, ins);
            } else if (opcode == 0x23) {
                fault = _store(c, ins);
                rd = 0;
            } else if (opcode == 0x63) {
                uint256 taken;
                (taken, fault) = _branch(ins, _reg(c.s, (ins >> 15) & 31), _reg(c.s, (ins >> 20) & 31));
                if (taken != 0) nextPc = (pc + _immB(ins)) & M32;
                rd = 0;
            } else if (opcode == 0x37) {
                v = ins & 0xfffff000; // LUI
            } else if (opcode == 0x17) {
                v = (pc + (ins & 0xfffff000)) & M32; // AUIPC
            } else if (opcode == 0x6f) {
                v = nextPc; // JAL (a misaligned target faults when it is fetched, §1)
                nextPc = (pc + _immJ(ins)) & M32;
            } else if (opcode == 0x67) {
                if ((ins >> 12) & 7 != 0) return FAULT_ILLEGAL;
                v = nextPc; // JALR: the target is computed from rs1 before rd is written
                nextPc = (_reg(c.s, (ins >> 15) & 31) + _immI(ins)) & (M32 - 1);
            } else if (opcode == 0x0f) {
                if ((ins >> 12) & 7 > 1) return FAULT_ILLEGAL; // FENCE, FENCE.I: nothing but pc += 4
                rd = 0;
            } else if (opcode == 0x73) {
                // SYSTEM: only `ecall` itself; ebreak and CSR instructions are illegal (§1)
                if (ins != 0x73) return FAULT_ILLEGAL;
                return _ecall(c, pc);
            } else {
                return FAULT_ILLEGAL;
            }
            if (fault != 0) return fault;
            _setReg(c.s, rd, v);
            _set32(c.s, OFF_PC, nextPc);
        }
    }

    // ------------------------------------------------------------------ §1 integer instructions

    /// @dev OP-IMM (ADDI SLTI SLTIU XORI ORI ANDI SLLI SRLI SRAI); SLTIU compares the sign-extended
    ///      immediate as unsigned.
    function _opImm(uint256 ins, uint256 a) private pure returns (uint256 v, uint256 fault) {
        uint256 imm = _immI(ins);
        assembly ("memory-safe") {
            let f7 := shr(25, ins)
            let sh := and(imm, 31)
            switch and(shr(12, ins), 7)
            case 0 { v := add(a, imm) }
            case 1 {
                switch f7
                case 0 { v := shl(sh, a) }
                default { fault := 1 }
            }
            case 2 { v := slt(signextend(3, a), signextend(3, imm)) }
            case 3 { v := lt(a, imm) }
            case 4 { v := xor(a, imm) }
            case 5 {
                switch f7
                case 0 { v := shr(sh, a) }
                case 0x20 { v := sar(sh, signextend(3, a)) }
                default { fault := 1 }
            }
            case 6 { v := or(a, imm) }
            default { v := and(a, imm) }
            v := and(v, M32)
        }
    }

    /// @dev OP: RV32I register-register and the M extension (§1 table for the division corner cases).
    function _op(uint256 ins, uint256 a, uint256 b) private pure returns (uint256 v, uint256 fault) {
        assembly ("memory-safe") {
            let f3 := and(shr(12, ins), 7)
            switch shr(25, ins)
            case 0 {
                switch f3
                case 0 { v := add(a, b) }
                case 1 { v := shl(and(b, 31), a) }
                case 2 { v := slt(signextend(3, a), signextend(3, b)) }
                case 3 { v := lt(a, b) }
                case 4 { v := xor(a, b) }
                case 5 { v := shr(and(b, 31), a) }
                case 6 { v := or(a, b) }
                default { v := and(a, b) }
            }
            case 0x20 {
                switch f3
                case 0 { v := sub(a, b) }
                case 5 { v := sar(and(b, 31), signextend(3, a)) }
                default { fault := 1 }
            }
            case 1 {
                // The 256-bit products of (sign-extended) 32-bit operands are exact.
                switch f3
                case 0 { v := mul(a, b) } // MUL
                case 1 { v := sar(32, mul(signextend(3, a), signextend(3, b))) } // MULH
                case 2 { v := sar(32, mul(signextend(3, a), b)) } // MULHSU
                case 3 { v := shr(32, mul(a, b)) } // MULHU
                case 4 {
                    // DIV: /0 -> -1; sdiv(-2^31, -1) = 2^31, which is -2^31 in 32 bits
                    switch b
                    case 0 { v := M32 }
                    default { v := sdiv(signextend(3, a), signextend(3, b)) }
                }
                case 5 {
                    // DIVU: /0 -> 0xffffffff
                    switch b
                    case 0 { v := M32 }
                    default { v := div(a, b) }
                }
                case 6 {
                    // REM: %0 -> the dividend; smod(-2^31, -1) = 0; the sign follows the dividend
                    switch b
                    case 0 { v := a }
                    default { v := smod(signextend(3, a), signextend(3, b)) }
                }
                default {
                    // REMU: %0 -> the dividend
                    switch b
                    case 0 { v := a }
                    default { v := mod(a, b) }
                }
            }
            default { fault := 1 }
            v := and(v, M32)
        }
    }

    /// @dev BRANCH conditions (BEQ BNE BLT BGE BLTU BGEU); funct3 2 and 3 are illegal.
    function _branch(uint256 ins, uint256 a, uint256 b) private pure returns (uint256 taken, uint256 fault) {
        assembly ("memory-safe") {
            switch and(shr(12, ins), 7)
            case 0 { taken := eq(a, b) }
            case 1 { taken := iszero(eq(a, b)) }
            case 4 { taken := slt(signextend(3, a), signextend(3, b)) }
            case 5 { taken := iszero(slt(signextend(3, a), signextend(3, b))) }
            case 6 { taken := lt(a, b) }
            case 7 { taken := iszero(lt(a, b)) }
            default { fault := 1 }
        }
    }

    /// @dev LB LH LW LBU LHU: any alignment (§1); funct3 3, 6, 7 are illegal.
    function _load(Ctx memory c, uint256 ins) private pure returns (uint256 v, uint256 fault) {
        uint256 f3 = (ins >> 12) & 7;
        uint256 size;
        if (f3 == 0 || f3 == 4) size = 1;
        else if (f3 == 1 || f3 == 5) size = 2;
        else if (f3 == 2) size = 4;
        else return (0, FAULT_ILLEGAL);
        uint256 addr = (_reg(c.s, (ins >> 15) & 31) + _immI(ins)) & M32;
        if (!_inWindow(c.s, addr, size)) return (0, FAULT_OUT_OF_RANGE);
        v = _readBytes(c, addr, size);
        if (f3 == 0) v = _sext(v, 0); // LB
        else if (f3 == 1) v = _sext(v, 1); // LH
    }

    /// @dev The `size` bytes at addr, little-endian, from one or two leaves (first byte's, last byte's).
    function _readBytes(Ctx memory c, uint256 addr, uint256 size) private pure returns (uint256 v) {
        uint256 first = addr >> 5;
        uint256 last = (addr + size - 1) >> 5;
        uint256 l0 = _access(c, first);
        uint256 l1 = last == first ? 0 : _access(c, last);
        uint256 buf = c.t + T_BUF;
        assembly ("memory-safe") {
            mstore(buf, l0)
            mstore(add(buf, 32), l1)
            let w := mload(add(buf, and(addr, 31)))
            for { let i := 0 } lt(i, size) { i := add(i, 1) } { v := or(v, shl(shl(3, i), byte(i, w))) }
        }
    }

    /// @dev SB SH SW: any alignment (§1); funct3 >= 3 is illegal.
    function _store(Ctx memory c, uint256 ins) private pure returns (uint256 fault) {
        uint256 f3 = (ins >> 12) & 7;
        if (f3 > 2) return FAULT_ILLEGAL;
        uint256 size = 1 << f3;
        uint256 addr = (_reg(c.s, (ins >> 15) & 31) + _immS(ins)) & M32;
        if (!_inWindow(c.s, addr, size)) return FAULT_OUT_OF_RANGE;
        _writeBytes(c, addr, size, _reg(c.s, (ins >> 20) & 31));
    }

    /// @dev Stores the `size` little-endian bytes of val at addr. Across two leaves, the first leaf is
    ///      written (updating the root) before the second leaf's record is read and checked (§9.1).
    function _writeBytes(Ctx memory c, uint256 addr, uint256 size, uint256 val) private pure {
        uint256 first = addr >> 5;
        uint256 last = (addr + size - 1) >> 5;
        uint256 buf = c.t + T_BUF;
        (uint256 w0,) = _merge(buf, _access(c, first), 0, addr & 31, size, val);
        if (last == first) {
            _write(c, first, w0, DEPTH);
        } else {
            // last = first + 1: they differ first at bit b = highest bit of first ^ last; the second
            // record needs this path's nodes up to level b only
            _write(c, first, w0, _highBit(first ^ last));
            (, uint256 w1) = _merge(buf, 0, _access(c, last), addr & 31, size, val);
            _write(c, last, w1, DEPTH);
        }
    }

    /// @dev Writes the `size` little-endian bytes of `val` at offset `o` of the 64 bytes l0 || l1.
    function _merge(uint256 buf, uint256 l0, uint256 l1, uint256 o, uint256 size, uint256 val)
        private
        pure
        returns (uint256 w0, uint256 w1)
    {
        assembly ("memory-safe") {
            mstore(buf, l0)
            mstore(add(buf, 32), l1)
            let p := add(buf, o)
            for { let i := 0 } lt(i, size) { i := add(i, 1) } { mstore8(add(p, i), shr(shl(3, i), val)) }
            w0 := mload(buf)
            w1 := mload(add(buf, 32))
        }
    }

    // ------------------------------------------------------------------ §4 ecalls

    /// @dev `ecall`: a7 = x17 selects, a0..a2 = x10..x12 are the arguments. Sets pc itself.
    function _ecall(Ctx memory c, uint256 pc) private view returns (uint256 fault) {
        uint256 s = c.s;
        uint256 num = _reg(s, 17);
        uint256 a0 = _reg(s, 10);
        if (num == 93) {
            // exit: status 1, exitCode = a0, pc unchanged
            _set32(s, OFF_STATUS, STATUS_EXITED);
            _set32(s, OFF_EXIT_CODE, a0);
            return 0;
        }
        uint256 a1 = _reg(s, 11);
        uint256 a2 = _reg(s, 12);
        uint256 room = 32 - (a1 & 31);
        uint256 n = a2 < room ? a2 : room; // min(a2 as unsigned, room)
        if (num == 63 && a0 == 0) {
            fault = _readInput(c, a1, n);
        } else if (num == 64 && a0 == 1) {
            fault = _writeOutput(c, a1, n);
        } else if (num == 64 && a0 == 2) {
            _setReg(s, 10, a2); // log: nothing in the state, a0 = a2
        } else {
            return FAULT_UNKNOWN_ECALL;
        }
        if (fault == 0) _set32(s, OFF_PC, (pc + 4) & M32);
    }

    /// @dev read_input (§4, §4.1): n = min(a2, room, 32 - inputCursor mod 32, inputLength - inputCursor).
    function _readInput(Ctx memory c, uint256 a1, uint256 n) private view returns (uint256 fault) {
        uint256 s = c.s;
        uint256 cur = _get32(s, OFF_INPUT_CURSOR);
        uint256 lim = 32 - (cur & 31);
        if (n > lim) n = lim;
        lim = _get32(s, OFF_INPUT_LENGTH) - cur; // valid states have cursor <= length
        if (n > lim) n = lim;
        if (n != 0) {
            if (!_inWindow(s, a1, n)) return FAULT_OUT_OF_RANGE;
            uint256 leaf = _access(c, a1 >> 5);
            // the input bytes from the cursor on, at the top of the word
            uint256 data = _isBlobRecord(c) ? _blobRecord(c, cur, n) : _inputRecord(c, cur >> 5) << ((cur & 31) << 3);
            _write(c, a1 >> 5, _splice(leaf, a1 & 31, data, n), DEPTH);
            _set32(s, OFF_INPUT_CURSOR, cur + n);
        }
        _setReg(s, 10, n);
    }

    /// @dev write_output (§4, §4.2): n = min(a2, room, 32 - outputLength mod 32); class 3 before class 5.
    function _writeOutput(Ctx memory c, uint256 a1, uint256 n) private pure returns (uint256 fault) {
        uint256 s = c.s;
        uint256 len = _get32(s, OFF_OUTPUT_LENGTH);
        uint256 lim = 32 - (len & 31);
        if (n > lim) n = lim;
        if (n != 0) {
            if (!_inWindow(s, a1, n)) return FAULT_OUT_OF_RANGE;
            if (len + n > _get32(s, OFF_OUTPUT_LIMIT)) return FAULT_OUTPUT_LIMIT;
            uint256 data = (_access(c, a1 >> 5) << ((a1 & 31) << 3)) & _topBytes(n);
            uint256 outBuf = _word(s, OFF_OUTPUT_BUF) | (data >> ((len & 31) << 3));
            len += n;
            if (len & 31 == 0) {
                // a complete chunk: outputAcc = keccak256(outputAcc || outputBuf), outputBuf = 0
                uint256 acc = _word(s, OFF_OUTPUT_ACC);
                assembly ("memory-safe") {
                    mstore(0, acc)
                    mstore(32, outBuf)
                    acc := keccak256(0, 64)
                }
                _setWord(s, OFF_OUTPUT_ACC, acc);
                outBuf = 0;
            }
            _setWord(s, OFF_OUTPUT_BUF, outBuf);
            _set32(s, OFF_OUTPUT_LENGTH, len);
        }
        _setReg(s, 10, n);
    }

    // ------------------------------------------------------------------ §9.2 proof records

    /// @dev Lays out the Merkle tables: the zero hashes (ZeroHashes.sol; Z0..Z26 used here) are copied from the
    ///      code (one CODECOPY).
    function _initMerkle(Ctx memory c) private pure {
        bytes memory zeros = ZERO_HASHES; // freshly allocated: the free memory pointer is just past it
        uint256 t;
        assembly ("memory-safe") {
            t := add(zeros, 32)
            mstore(0x40, add(t, T_SIZE))
        }
        c.t = t;
        c.prev = NO_LEAF;
    }

    /// @dev Reads the next memory record, for leaf `idx`, checks it against the current root and
    ///      returns the leaf's value (before this access's write, if any). §9.2:
    ///      - the first record of the step: k = 27; the root from the record must be memRoot;
    ///      - a later record, idx == prev: k = 0; the leaf must be the previous access's leaf after
    ///        its write;
    ///      - a later record, idx != prev: k = b, the highest bit in which idx and prev differ. The
    ///        node at level b computed from the record must be the previous path's sibling at level b;
    ///        the new path's sibling at b is the previous access's own node there, and above b both
    ///        paths coincide, so the record reaches the current root exactly when this node matches.
    function _access(Ctx memory c, uint256 idx) private pure returns (uint256 leaf) {
        uint256 err;
        assembly ("memory-safe") {
            /// k for a later record: the highest set bit of idx ^ prev, 0 when they are equal.
            function highBit(d) -> k {
                if gt(d, 0xffff) {
                    d := shr(16, d)
                    k := 16
                }
                if gt(d, 0xff) {
                    d := shr(8, d)
                    k := add(k, 8)
                }
                if gt(d, 0xf) {
                    d := shr(4, d)
                    k := add(k, 4)
                }
                if gt(d, 0x3) {
                    d := shr(2, d)
                    k := add(k, 2)
                }
                if gt(d, 0x1) { k := add(k, 1) }
            }
            /// Levels 0..k-1 of a record: each sibling is Zl (mask bit l set) or the next 32 proof
            /// bytes; stores the siblings and the nodes at levels 1..k, returns the node at level k.
            function climb(t, p0, i, node0, mask, k) -> n, p {
                p := p0
                n := node0
                // q walks Z[l]; the sibling table is at q + T_SIB, the node at level l+1 at q + T_NODE + 32
                for {
                    let q := t
                    let qEnd := add(t, shl(5, k))
                } lt(q, qEnd) { q := add(q, 32) } {
                    // sibling at level l: Zl when mask bit l is set, else the next 32 proof bytes
                    let sv := mload(q)
                    if iszero(and(mask, 1)) {
                        sv := calldataload(p)
                        p := add(p, 32)
                    }
                    mstore(add(q, T_SIB), sv)
                    // the node at level l is a right child when bit l of the index is 1: it goes to
                    // scratch offset 32 * bit, the sibling to the other half
                    let o := shl(5, and(i, 1))
                    mstore(o, n)
                    mstore(xor(o, 32), sv)
                    n := keccak256(0, 64)
                    mstore(add(q, T_NODE_1), n)
                    mask := shr(1, mask)
                    i := shr(1, i)
                }
            }

            let t := mload(add(c, 0xa0))
            let prev := mload(add(c, 0x80))
            let p := mload(add(c, 0x20))
            let k := DEPTH
            if lt(prev, 0x8000000) { k := highBit(xor(idx, prev)) }
            // a one-pass loop: `break` leaves it, with err set on a bad record
            for {} 1 {} {
                // leaf(32) mask(4)
                if gt(add(p, 36), mload(add(c, 0x40))) {
                    err := 3
                    break
                }
                leaf := calldataload(p)
                let mask := shr(224, calldataload(add(p, 32)))
                p := add(p, 36)
                if shr(k, mask) {
                    err := 2
                    break
                }
                let node := add(t, T_NODE)
                if eq(idx, prev) {
                    if iszero(eq(leaf, mload(node))) { err := 1 }
                    break
                }
                let old := mload(add(node, shl(5, k))) // the previous access's own node at level k
                mstore(node, leaf)
                let n
                n, p := climb(t, p, idx, leaf, mask, k)
                // siblings are read before the bound check: calldataload past the end is harmless
                if gt(p, mload(add(c, 0x40))) {
                    err := 3
                    break
                }
                switch k
                case 27 { if iszero(eq(n, mload(add(mload(c), OFF_MEM_ROOT)))) { err := 1 } }
                default {
                    let sk := add(t, add(T_SIB, shl(5, k)))
                    if iszero(eq(n, mload(sk))) { err := 1 }
                    mstore(sk, old)
                }
                break
            }
            if iszero(err) {
                mstore(add(c, 0x20), p)
                mstore(add(c, 0x80), idx)
            }
        }
        if (err != 0) revert BadProof(ProofError(err - 1), c.rec);
        c.rec++;
    }

    /// @dev Writes `leaf` at `idx` (the leaf of the last record read) and recomputes the path's nodes
    ///      up to level `levels` (§2); with levels = 27 the new root becomes memRoot. The path's nodes
    ///      are then those after the write, for the next record's sharing (§9.2). A store's first leaf
    ///      of two needs only the levels below the bit where the two leaves differ: the second leaf's
    ///      write then recomputes the whole path, root included.
    function _write(Ctx memory c, uint256 idx, uint256 leaf, uint256 levels) private pure {
        assembly ("memory-safe") {
            let t := mload(add(c, 0xa0))
            let n := leaf
            mstore(add(t, T_NODE), n)
            for {
                let q := t
                let qEnd := add(t, shl(5, levels))
            } lt(q, qEnd) { q := add(q, 32) } {
                let o := shl(5, and(idx, 1))
                mstore(o, n)
                mstore(xor(o, 32), mload(add(q, T_SIB)))
                n := keccak256(0, 64)
                mstore(add(q, T_NODE_1), n)
                idx := shr(1, idx)
            }
            if eq(levels, DEPTH) { mstore(add(mload(c), OFF_MEM_ROOT), n) }
        }
    }

    /// @dev Reads the input record (§4.1, §9.2: chunk(32) mask(4) siblings, k = 27) for chunk `idx`,
    ///      checks it against inputRoot and returns the chunk.
    function _inputRecord(Ctx memory c, uint256 idx) private pure returns (uint256 chunk) {
        uint256 err;
        assembly ("memory-safe") {
            let t := mload(add(c, 0xa0))
            let p := mload(add(c, 0x20))
            for {} 1 {} {
                if gt(add(p, 36), mload(add(c, 0x40))) {
                    err := 3
                    break
                }
                chunk := calldataload(p)
                let mask := shr(224, calldataload(add(p, 32)))
                p := add(p, 36)
                if shr(DEPTH, mask) {
                    err := 2
                    break
                }
                let n := chunk
                let i := idx
                for {
                    let q := t
                    let qEnd := add(t, 864)
                } lt(q, qEnd) { q := add(q, 32) } {
                    let sv := mload(q) // Zl
                    if iszero(and(mask, 1)) {
                        sv := calldataload(p)
                        p := add(p, 32)
                    }
                    let o := shl(5, and(i, 1))
                    mstore(o, n)
                    mstore(xor(o, 32), sv)
                    n := keccak256(0, 64)
                    mask := shr(1, mask)
                    i := shr(1, i)
                }
                if gt(p, mload(add(c, 0x40))) {
                    err := 3
                    break
                }
                if iszero(eq(n, mload(add(mload(c), OFF_INPUT_ROOT)))) { err := 1 }
                break
            }
            if iszero(err) { mstore(add(c, 0x20), p) }
        }
        if (err != 0) revert BadProof(ProofError(err - 1), c.rec);
        c.rec++;
    }

    /// @dev Whether the next record is a blob input record (§9.2): at least 36 bytes left and the mask word at
    ///      offset 32 exactly 0x80000000 (a chunk-tree input record never sets bit 31).
    function _isBlobRecord(Ctx memory c) private pure returns (bool yes) {
        uint256 p = c.p;
        if (p + 36 > c.end) return false;
        assembly ("memory-safe") {
            yes := eq(shr(224, calldataload(add(p, 32))), BLOB_RECORD_MASK)
        }
    }

    /// @dev Reads a blob input record (vm.md §4.1.1, §9.2) for a read of n > 0 bytes at input cursor `cur` and returns
    ///      those bytes at the top of the word: checks k, the root over the versioned hashes, and each opened field
    ///      element with the point-evaluation precompile (which checks the versioned hash against the commitment).
    ///      Layout: y_0(32) mask(4) k(1) h_0..h_{k-1}(32 each) commitment_0(48) proof_0(48) [y_1 commitment_1 proof_1].
    function _blobRecord(Ctx memory c, uint256 cur, uint256 n) private view returns (uint256 data) {
        uint256 p = c.p;
        uint256 first = (BLOB_OFFSET + cur) / 31;
        uint256 m = (BLOB_OFFSET + cur + n - 1) / 31 - first + 1; // 1 or 2 elements
        uint256 q = p + 37 + 32 * _blobHashes(c, p, first + m - 1, m);
        uint256 o = (BLOB_OFFSET + cur - first * 31) << 3;
        data = (_openElement(c, p, p, q, first) << 8) << o;
        q += 96;
        if (m == 2) {
            data |= (_openElement(c, p, q, q + 32, first + 1) << 8) >> (248 - o);
            q += 128;
        }
        c.p = q;
        c.rec++;
    }

    /// @dev Checks a blob record's length, its blob count k and keccak256("TDVMBLOB" || u32 inputLength || u8 k ||
    ///      hashes) == inputRoot; returns k.
    function _blobHashes(Ctx memory c, uint256 p, uint256 last, uint256 m) private pure returns (uint256 k) {
        assembly ("memory-safe") {
            k := byte(0, calldataload(add(p, 36)))
        }
        if (p + 37 + 32 * k + 128 * m - 32 > c.end) revert BadProof(ProofError.Truncated, c.rec);
        if (k == 0 || k > MAX_INPUT_BLOBS || last / 4096 >= k) revert BadProof(ProofError.BlobOpening, c.rec);
        uint256 len = _get32(c.s, OFF_INPUT_LENGTH);
        bytes32 root;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mstore(buf, or(shl(192, 0x5444564d424c4f42), or(shl(160, len), shl(152, k)))) // "TDVMBLOB" len k
            calldatacopy(add(buf, 13), add(p, 37), shl(5, k))
            root := keccak256(buf, add(13, shl(5, k)))
        }
        if (root != bytes32(_word(c.s, OFF_INPUT_ROOT))) revert BadProof(ProofError.BlobOpening, c.rec);
    }

    /// @dev Element e's value y (at calldata yAt; byte 0 must be zero, as in every DA sub-blob element), checked by the
    ///      point-evaluation precompile against the versioned hash of its blob (at p + 37 + 32 * (e / 4096)) with the
    ///      commitment and proof at calldata cq.
    function _openElement(Ctx memory c, uint256 p, uint256 yAt, uint256 cq, uint256 e) private view returns (uint256 y) {
        uint256 z = _evaluationPoint(e % 4096);
        bool ok;
        assembly ("memory-safe") {
            y := calldataload(yAt)
            let buf := mload(0x40)
            mstore(buf, calldataload(add(add(p, 37), shl(5, div(e, 4096)))))
            mstore(add(buf, 32), z)
            mstore(add(buf, 64), y)
            calldatacopy(add(buf, 96), cq, 96)
            ok := and(iszero(shr(248, y)), staticcall(POINT_EVALUATION_GAS, 0x0a, buf, 192, 0, 64))
        }
        if (!ok) revert BadProof(ProofError.BlobOpening, c.rec);
    }

    /// @dev z(i) = ω^brp12(i) mod r (vm.md §4.1.1): the point at which blob position i is its polynomial's value.
    function _evaluationPoint(uint256 i) private pure returns (uint256 z) {
        uint256 k;
        for (uint256 b = 0; b < 12; b++) {
            k = (k << 1) | ((i >> b) & 1);
        }
        z = 1;
        uint256 base = BLS_OMEGA_4096;
        while (k != 0) {
            if (k & 1 != 0) z = mulmod(z, base, BLS_MODULUS);
            base = mulmod(base, base, BLS_MODULUS);
            k >>= 1;
        }
    }

    // ------------------------------------------------------------------ §5 decoding and field access

    /// @dev Copies the pre-state into fresh memory (the post-state to be) and checks §5 validity.
    function _decode(bytes calldata pre) private pure returns (bytes memory post) {
        if (pre.length != STATE_BYTES) revert BadState(StateError.Length);
        uint256 s;
        assembly ("memory-safe") {
            post := mload(0x40)
            mstore(post, STATE_BYTES)
            s := add(post, 32)
            calldatacopy(s, pre.offset, STATE_BYTES)
            // 32 spare bytes after the encoding: _set32 at offset 292 reads and rewrites a full word
            mstore(add(s, STATE_BYTES), 0)
            mstore(0x40, add(s, add(STATE_BYTES, 32)))
        }
        if (_get32(s, OFF_REGS) != 0) revert BadState(StateError.X0);
        if (_get32(s, OFF_INPUT_CURSOR) > _get32(s, OFF_INPUT_LENGTH)) revert BadState(StateError.InputCursor);
        uint256 outLen = _get32(s, OFF_OUTPUT_LENGTH);
        if (outLen > _get32(s, OFF_OUTPUT_LIMIT)) revert BadState(StateError.OutputLength);
        if (_word(s, OFF_OUTPUT_BUF) << ((outLen & 31) << 3) != 0) revert BadState(StateError.OutputBuf);
        uint256 ramEnd = _get32(s, OFF_RAM_END);
        if (ramEnd & 0xfff != 0 || ramEnd <= RAM_BASE || ramEnd > MAX_RAM_END) revert BadState(StateError.RamEnd);
        if (_getStep(s) >> 63 != 0) revert BadState(StateError.Step);
        uint256 status = _get32(s, OFF_STATUS);
        if (status > STATUS_FAULTED) revert BadState(StateError.Status);
        uint256 exitCode = _get32(s, OFF_EXIT_CODE);
        if (
            (status == STATUS_RUNNING && exitCode != 0)
                || (status == STATUS_FAULTED && (exitCode == 0 || exitCode > FAULT_OUTPUT_LIMIT))
        ) revert BadState(StateError.ExitCode);
    }

    /// @dev Whether the bytes [addr, addr + size) all lie in the RAM window [RAM_BASE, ramEnd) (§2).
    function _inWindow(uint256 s, uint256 addr, uint256 size) private pure returns (bool) {
        return addr >= RAM_BASE && addr + size <= _get32(s, OFF_RAM_END);
    }

    function _reg(uint256 s, uint256 r) private pure returns (uint256) {
        return _get32(s, OFF_REGS + (r << 2));
    }

    /// @dev x0 stays zero: writes to it are dropped.
    function _setReg(uint256 s, uint256 r, uint256 v) private pure {
        if (r != 0) _set32(s, OFF_REGS + (r << 2), v);
    }

    function _get32(uint256 s, uint256 off) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(224, mload(add(s, off)))
        }
    }

    function _set32(uint256 s, uint256 off, uint256 v) private pure {
        assembly ("memory-safe") {
            let p := add(s, off)
            mstore(p, or(shr(32, shl(32, mload(p))), shl(224, v)))
        }
    }

    function _getStep(uint256 s) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(192, mload(add(s, OFF_STEP)))
        }
    }

    function _setStep(uint256 s, uint256 v) private pure {
        assembly ("memory-safe") {
            let p := add(s, OFF_STEP)
            mstore(p, or(shr(64, shl(64, mload(p))), shl(192, v)))
        }
    }

    function _word(uint256 s, uint256 off) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mload(add(s, off))
        }
    }

    function _setWord(uint256 s, uint256 off, uint256 v) private pure {
        assembly ("memory-safe") {
            mstore(add(s, off), v)
        }
    }

    function _offset(bytes calldata b) private pure returns (uint256 o) {
        assembly ("memory-safe") {
            o := b.offset
        }
    }

    /// @dev The little-endian 32-bit word at byte offset o (o <= 28) of a leaf.
    function _le32(uint256 leaf, uint256 o) private pure returns (uint256) {
        uint256 w = leaf >> (224 - (o << 3));
        return ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >> 8) & 0xff00) | ((w >> 24) & 0xff);
    }

    /// @dev Sign-extends byte b (0: from 8 bits, 1: from 16 bits) to a 32-bit value.
    function _sext(uint256 v, uint256 b) private pure returns (uint256 r) {
        assembly ("memory-safe") {
            r := and(signextend(b, v), M32)
        }
    }

    /// @dev `leaf` with its n bytes at offset o replaced by the top n bytes of `data` (o + n <= 32).
    function _splice(uint256 leaf, uint256 o, uint256 data, uint256 n) private pure returns (uint256) {
        uint256 m = _topBytes(n);
        o <<= 3;
        return (leaf & ~(m >> o)) | ((data & m) >> o);
    }

    /// @dev The highest set bit of d (d > 0).
    function _highBit(uint256 d) private pure returns (uint256 b) {
        while (d > 1) {
            d >>= 1;
            b++;
        }
    }

    /// @dev A mask of the n most significant bytes (1 <= n <= 32).
    function _topBytes(uint256 n) private pure returns (uint256) {
        return ~(type(uint256).max >> (n << 3));
    }

    // ------------------------------------------------------------------ §1 immediates (as 32-bit values)

    function _immI(uint256 ins) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := and(sar(20, signextend(3, ins)), M32)
        }
    }

    function _immS(uint256 ins) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := and(or(shl(5, sar(25, signextend(3, ins))), and(shr(7, ins), 31)), M32)
        }
    }

    function _immB(uint256 ins) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := or(
                or(shl(12, sar(31, signextend(3, ins))), shl(11, and(shr(7, ins), 1))),
                or(shl(5, and(shr(25, ins), 0x3f)), shl(1, and(shr(8, ins), 0xf)))
            )
            v := and(v, M32)
        }
    }

    function _immJ(uint256 ins) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := or(
                or(shl(20, sar(31, signextend(3, ins))), and(ins, 0xff000)),
                or(shl(11, and(shr(20, ins), 1)), shl(1, and(shr(21, ins), 0x3ff)))
            )
            v := and(v, M32)
        }
    }
}
