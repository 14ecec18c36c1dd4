// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {RiscvStepFixture} from "./RiscvStepFixture.sol";
import {RiscvStep} from "../src/RiscvStep.sol";

/// @notice RiscvStep against docs/spec/vm.md v2: every instruction class, the M-extension corner
///         cases, misaligned accesses over two leaves, every ecall and its boundaries, every fault
///         class, terminal states, every BadState and BadProof reason, fuzzed instruction words and
///         proof mutations, and the gas table.
contract RiscvStepTest is RiscvStepFixture {
    uint32 internal constant OP = 0x33;
    uint32 internal constant OP_IMM = 0x13;
    uint32 internal constant LOAD = 0x03;

    // ================================================================== constants and a program

    function test_zeroHashesAndEmptyRoot() public view {
        assertEq(zh[27], EMPTY_ROOT, "Z27 of vm.md section 10");
        Mem memory m;
        assertEq(_root(m), EMPTY_ROOT, "empty memory root");
    }

    /// @notice vm.md §10 `exit42`: lui a0,0; addi a0,a0,42; lui a7,0; addi a7,a7,93; ecall.
    function test_exit42Program() public view {
        Mem memory m;
        _poke(m, PC0, 4, 0x00000537);
        _poke(m, PC0 + 4, 4, 0x02a50513);
        _poke(m, PC0 + 8, 4, 0x000008b7);
        _poke(m, PC0 + 12, 4, 0x05d88893);
        _poke(m, PC0 + 16, 4, 0x00000073);
        St memory s = _state(m);
        bytes memory fetch = _rec(m, PC0 >> 5, 27);
        for (uint256 i = 0; i < 5; i++) {
            s = _step(s, fetch);
        }
        assertEq(s.status, 1, "exited");
        assertEq(s.exitCode, 42, "exit code");
        assertEq(s.pc, PC0 + 16, "exit leaves pc at the ecall");
        assertEq(s.step, 5, "five steps");
        assertEq(s.x[A0], 42, "a0");
        assertEq(s.x[A7], 93, "a7");
        // a terminal state steps to itself, with an empty proof
        bytes memory pre = _enc(s);
        (bytes32 h, uint8 st) = rv.step(pre, "");
        assertEq(h, keccak256(pre), "exited state steps to itself");
        assertEq(uint256(st), 1, "still exited");
    }

    // ================================================================== §1 upper immediates and jumps

    function test_luiAuipc() public view {
        assertEq(_alu(_u(0xfffff, T2, 0x37), 0, 0), 0xfffff000, "LUI");
        assertEq(_alu(_u(0x00001, T2, 0x37), 0, 0), 0x1000, "LUI small");
        assertEq(_alu(_u(0x00001, T2, 0x17), 0, 0), PC0 + 0x1000, "AUIPC");
        assertEq(_alu(_u(0xfffff, T2, 0x17), 0, 0), PC0 - 0x1000, "AUIPC negative");
    }

    function test_jal() public view {
        St memory p = _run1(_j(-8, T2), 0, 0);
        assertEq(p.x[T2], PC0 + 4, "JAL link");
        assertEq(p.pc, PC0 - 8, "JAL target (below RAM: faults when fetched)");
        assertEq(p.status, 0, "the jump itself does not fault");
        p = _run1(_j(0xffffe, T2), 0, 0); // the largest positive offset
        assertEq(p.pc, PC0 + 0xffffe, "JAL +1 MiB - 2");
        p = _run1(_j(-0x100000, 0), 0, 0); // the most negative offset wraps around 2^32
        assertEq(p.pc, uint32(uint256(PC0) + 0x100000000 - 0x100000), "JAL -1 MiB wraps");
        assertEq(p.x[0], 0, "x0 stays 0");
        p = _run1(_j(2, T2), 0, 0);
        assertEq(p.pc, PC0 + 2, "JAL to a misaligned target");
        // the misaligned pc faults at its fetch (class 2), with an empty proof
        _expectFault(p, "", 2, "misaligned pc after JAL");
        St memory q = _run1(_j(-8, T2), 0, 0);
        _expectFault(q, "", 3, "pc below RAM_BASE after JAL");
    }

    function test_jalr() public view {
        St memory p = _run1(_i(3, T0, 0, T2, 0x67), PC0 + 0x100, 0);
        assertEq(p.pc, PC0 + 0x102, "JALR clears bit 0");
        assertEq(p.x[T2], PC0 + 4, "JALR link");
        p = _run1(_i(-4, T0, 0, T0, 0x67), PC0 + 0x100, 0); // rd == rs1
        assertEq(p.pc, PC0 + 0xfc, "JALR reads rs1 before writing rd");
        assertEq(p.x[T0], PC0 + 4, "JALR rd == rs1 link");
        p = _run1(_i(2, T0, 0, 0, 0x67), 0xffffffff, 0);
        assertEq(p.pc, 0, "JALR wraps and clears bit 0");
        p = _run1(_i(0, T0, 1, T2, 0x67), PC0, 0);
        assertEq(p.status, 2, "JALR funct3 1 is illegal");
        assertEq(p.exitCode, 1, "class 1");
    }

    // ================================================================== branches

    function test_branches() public view {
        uint32 m1 = 0xffffffff; // -1
        // funct3: 0 BEQ, 1 BNE, 4 BLT, 5 BGE, 6 BLTU, 7 BGEU
        bool[6] memory takenLess = [false, true, true, false, false, true]; // a = -1, b = 1
        bool[6] memory takenEqual = [true, false, false, true, false, true]; // a = b
        uint8[6] memory f3s = [0, 1, 4, 5, 6, 7];
        for (uint256 i = 0; i < 6; i++) {
            St memory p = _run1(_b(-16, T1, T0, f3s[i]), m1, 1);
            assertEq(
                p.pc,
                takenLess[i] ? PC0 - 16 : PC0 + 4,
                string.concat("branch -1 vs 1, f3 ", vm.toString(uint256(f3s[i])))
            );
            p = _run1(_b(0xffe, T1, T0, f3s[i]), 7, 7);
            assertEq(
                p.pc,
                takenEqual[i] ? PC0 + 0xffe : PC0 + 4,
                string.concat("branch 7 vs 7, f3 ", vm.toString(uint256(f3s[i])))
            );
            assertEq(p.x[T2], 0, "branches write no register");
        }
        assertEq(_run1(_b(-0x1000, T1, T0, 0), 0, 0).pc, PC0 - 0x1000, "BEQ most negative offset");
        assertEq(_run1(_b(8, T1, T0, 2), 0, 0).exitCode, 1, "branch funct3 2 is illegal");
        assertEq(_run1(_b(8, T1, T0, 3), 0, 0).exitCode, 1, "branch funct3 3 is illegal");
    }

    // ================================================================== OP-IMM, OP, M

    function test_opImm() public view {
        assertEq(_alu(_i(-1, T0, 0, T2, OP_IMM), 0, 0), 0xffffffff, "ADDI wraps");
        assertEq(_alu(_i(1, T0, 0, T2, OP_IMM), 0xffffffff, 0), 0, "ADDI overflow");
        assertEq(_alu(_i(-1, T0, 2, T2, OP_IMM), 0xfffffffe, 0), 1, "SLTI signed");
        assertEq(_alu(_i(1, T0, 2, T2, OP_IMM), 1, 0), 0, "SLTI equal");
        assertEq(_alu(_i(-1, T0, 3, T2, OP_IMM), 0xfffffffe, 0), 1, "SLTIU with sign-extended -1");
        assertEq(_alu(_i(1, T0, 3, T2, OP_IMM), 0, 0), 1, "SLTIU 0 < 1 (seqz)");
        assertEq(_alu(_i(-1, T0, 4, T2, OP_IMM), 0x0f0f0f0f, 0), 0xf0f0f0f0, "XORI -1 is NOT");
        assertEq(_alu(_i(0x7ff, T0, 6, T2, OP_IMM), 0x80000000, 0), 0x800007ff, "ORI");
        assertEq(_alu(_i(-0x800, T0, 7, T2, OP_IMM), 0x12345fff, 0), 0x12345800, "ANDI sign-extended");
        assertEq(_alu(_i(31, T0, 1, T2, OP_IMM), 3, 0), 0x80000000, "SLLI 31");
        assertEq(_alu(_i(31, T0, 5, T2, OP_IMM), 0x80000000, 0), 1, "SRLI 31");
        assertEq(_alu(_i(0x400 | 31, T0, 5, T2, OP_IMM), 0x80000000, 0), 0xffffffff, "SRAI 31");
        assertEq(_alu(_i(0x400 | 4, T0, 5, T2, OP_IMM), 0x70000000, 0), 0x07000000, "SRAI positive");
        assertEq(_run1(_i(0x20, T0, 1, T2, OP_IMM), 1, 0).exitCode, 1, "SLLI shamt[5] is illegal");
        assertEq(_run1(_i(0x200, T0, 5, T2, OP_IMM), 1, 0).exitCode, 1, "SRLI funct7 0x10 is illegal");
        assertEq(_run1(_i(0x401, T0, 1, T2, OP_IMM), 1, 0).exitCode, 1, "SLLI funct7 0x20 is illegal");
        St memory p = _run1(_i(5, 0, 0, 0, OP_IMM), 0, 0);
        assertEq(p.x[0], 0, "ADDI x0 stays 0");
        assertEq(p.pc, PC0 + 4, "nop");
    }

    function test_op() public view {
        assertEq(_alu(_r(0, T1, T0, 0, T2, OP), 0xffffffff, 2), 1, "ADD wraps");
        assertEq(_alu(_r(0x20, T1, T0, 0, T2, OP), 0, 1), 0xffffffff, "SUB wraps");
        assertEq(_alu(_r(0, T1, T0, 1, T2, OP), 1, 33), 2, "SLL uses the low 5 bits");
        assertEq(_alu(_r(0, T1, T0, 2, T2, OP), 0xffffffff, 0), 1, "SLT signed");
        assertEq(_alu(_r(0, T1, T0, 3, T2, OP), 0xffffffff, 0), 0, "SLTU unsigned");
        assertEq(_alu(_r(0, T1, T0, 3, T2, OP), 0, 5), 1, "SLTU 0 < 5");
        assertEq(_alu(_r(0, T1, T0, 4, T2, OP), 0xff00ff00, 0x0ff00ff0), 0xf0f0f0f0, "XOR");
        assertEq(_alu(_r(0, T1, T0, 5, T2, OP), 0x80000000, 0xffffffff), 1, "SRL by 31");
        assertEq(
            _alu(_r(0x20, T1, T0, 5, T2, OP), 0x80000000, 0xffffffdc), 0xfffffff8, "SRA by 28 (low 5 bits of 0xdc)"
        );
        assertEq(_alu(_r(0, T1, T0, 6, T2, OP), 0xf0, 0x0f), 0xff, "OR");
        assertEq(_alu(_r(0, T1, T0, 7, T2, OP), 0xf0, 0x3c), 0x30, "AND");
        assertEq(_run1(_r(0x20, T1, T0, 1, T2, OP), 1, 1).exitCode, 1, "funct7 0x20 with SLL is illegal");
        assertEq(_run1(_r(0x20, T1, T0, 7, T2, OP), 1, 1).exitCode, 1, "funct7 0x20 with AND is illegal");
        assertEq(_run1(_r(0x02, T1, T0, 0, T2, OP), 1, 1).exitCode, 1, "funct7 0x02 is illegal");
        assertEq(_run1(_r(0x40, T1, T0, 0, T2, OP), 1, 1).exitCode, 1, "funct7 0x40 is illegal");
    }

    function test_mExtension() public view {
        uint32 min = 0x80000000;
        uint32 m1 = 0xffffffff;
        assertEq(_alu(_r(1, T1, T0, 0, T2, OP), min, m1), min, "MUL -2^31 * -1");
        assertEq(_alu(_r(1, T1, T0, 0, T2, OP), 0x12345678, 0x9abcdef0), 0x242d2080, "MUL low word");
        assertEq(_alu(_r(1, T1, T0, 1, T2, OP), m1, m1), 0, "MULH -1 * -1");
        assertEq(_alu(_r(1, T1, T0, 1, T2, OP), min, min), 0x40000000, "MULH -2^31 * -2^31");
        assertEq(_alu(_r(1, T1, T0, 1, T2, OP), min, 2), m1, "MULH -2^31 * 2");
        assertEq(_alu(_r(1, T1, T0, 2, T2, OP), m1, m1), m1, "MULHSU -1 * (2^32 - 1)");
        assertEq(_alu(_r(1, T1, T0, 2, T2, OP), 2, m1), 1, "MULHSU 2 * (2^32 - 1)");
        assertEq(_alu(_r(1, T1, T0, 3, T2, OP), m1, m1), 0xfffffffe, "MULHU");
        assertEq(_alu(_r(1, T1, T0, 4, T2, OP), uint32(int32(-7)), 2), uint32(int32(-3)), "DIV truncates");
        assertEq(_alu(_r(1, T1, T0, 4, T2, OP), 5, 0), m1, "DIV by 0");
        assertEq(_alu(_r(1, T1, T0, 4, T2, OP), min, m1), min, "DIV overflow");
        assertEq(_alu(_r(1, T1, T0, 5, T2, OP), 5, 0), m1, "DIVU by 0");
        assertEq(_alu(_r(1, T1, T0, 5, T2, OP), m1, 2), 0x7fffffff, "DIVU");
        assertEq(_alu(_r(1, T1, T0, 6, T2, OP), uint32(int32(-7)), 2), m1, "REM sign of the dividend");
        assertEq(_alu(_r(1, T1, T0, 6, T2, OP), 7, uint32(int32(-2))), 1, "REM positive dividend");
        assertEq(_alu(_r(1, T1, T0, 6, T2, OP), 0x1234, 0), 0x1234, "REM by 0");
        assertEq(_alu(_r(1, T1, T0, 6, T2, OP), min, m1), 0, "REM overflow");
        assertEq(_alu(_r(1, T1, T0, 7, T2, OP), 0x1234, 0), 0x1234, "REMU by 0");
        assertEq(_alu(_r(1, T1, T0, 7, T2, OP), m1, 10), 5, "REMU");
    }

    function test_fence() public view {
        St memory p = _run1(0x0ff0000f, 0, 0);
        assertEq(p.pc, PC0 + 4, "FENCE");
        assertEq(p.status, 0, "FENCE runs");
        p = _run1(0x0000100f, 0, 0);
        assertEq(p.pc, PC0 + 4, "FENCE.I");
        p = _run1(_i(0, T0, 0, T2, 0x0f), 5, 0);
        assertEq(p.x[T2], 0, "FENCE writes no register");
        assertEq(_run1(_i(0, 0, 2, 0, 0x0f), 0, 0).exitCode, 1, "MISC-MEM funct3 2 is illegal");
    }

    function test_illegalEncodings() public view {
        uint32[9] memory words = [
            uint32(0), // all-zero word
            0x00100073, // ebreak
            0x30529073, // csrrw x0, mtvec, t0
            0xc0002573, // rdcycle a0 (csrrs)
            0x10500073, // wfi
            0x30200073, // mret
            0xffffffff, // all ones
            0x00000007, // flw-space (LOAD-FP)
            0x0000202f // amo space (A extension)
        ];
        for (uint256 i = 0; i < words.length; i++) {
            Mem memory m;
            _poke(m, PC0, 4, words[i]);
            St memory s = _state(m);
            _expectFault(s, _rec(m, PC0 >> 5, 27), 1, string.concat("illegal word ", vm.toString(uint256(words[i]))));
        }
        // a compressed (RVC) halfword pair is illegal too
        assertEq(_run1(0x00010001, 0, 0).exitCode, 1, "c.nop pair");
    }

    // ================================================================== loads and stores

    /// @dev Memory with code at PC0 (the instruction to run) and a data leaf of bytes 0x80..0x9f at
    ///      0x10100, another of 0xa0..0xbf at 0x10120 (the next leaf).
    function _dataMem(uint32 ins) internal pure returns (Mem memory m) {
        _poke(m, PC0, 4, ins);
        for (uint256 i = 0; i < 64; i++) {
            _setByte(m, 0x10100 + i, uint8(0x80 + i));
        }
    }

    function _load(uint32 ins, uint32 base) internal view returns (St memory post, uint256 records) {
        Mem memory m = _dataMem(ins);
        St memory s = _state(m);
        s.x[T0] = base;
        uint256 f3 = (ins >> 12) & 7;
        uint256 size = f3 == 2 ? 4 : (f3 & 3) == 1 ? 2 : 1;
        uint256 addr = (uint256(base) + uint256(uint32(int32(int256(uint256(ins >> 20) << 244) >> 244)))) & 0xffffffff;
        bytes memory proof = bytes.concat(_rec(m, PC0 >> 5, 27), _loadRecs(m, PC0 >> 5, addr, size));
        records = 1 + ((addr >> 5) == ((addr + size - 1) >> 5) ? 1 : 2);
        post = _step(s, proof);
        assertEq(post.memRoot, s.memRoot, "a load leaves memory");
        assertEq(post.pc, PC0 + 4, "load pc + 4");
    }

    function test_loads() public view {
        (St memory p,) = _load(_i(0, T0, 0, T2, LOAD), 0x10100);
        assertEq(p.x[T2], 0xffffff80, "LB sign-extends");
        (p,) = _load(_i(1, T0, 4, T2, LOAD), 0x10100);
        assertEq(p.x[T2], 0x81, "LBU");
        (p,) = _load(_i(0, T0, 1, T2, LOAD), 0x10100);
        assertEq(p.x[T2], 0xffff8180, "LH sign-extends");
        (p,) = _load(_i(0, T0, 5, T2, LOAD), 0x10100);
        assertEq(p.x[T2], 0x8180, "LHU");
        (p,) = _load(_i(4, T0, 2, T2, LOAD), 0x10100);
        assertEq(p.x[T2], 0x87868584, "LW");
        (p,) = _load(_i(-1, T0, 2, T2, LOAD), 0x10101);
        assertEq(p.x[T2], 0x83828180, "LW with a negative offset");
        (p,) = _load(_i(1, T0, 2, T2, LOAD), 0x10100);
        assertEq(p.x[T2], 0x84838281, "misaligned LW in one leaf");
        uint256 n;
        (p, n) = _load(_i(0x1e, T0, 2, T2, LOAD), 0x10100);
        assertEq(p.x[T2], 0xa1a09f9e, "LW across two leaves");
        assertEq(n, 3, "three accesses");
        (p, n) = _load(_i(0x1f, T0, 1, T2, LOAD), 0x10100);
        assertEq(p.x[T2], 0xffffa09f, "LH across two leaves");
        assertEq(n, 3, "three accesses");
        (p,) = _load(_i(0, T0, 2, T2, LOAD), PC0);
        assertEq(p.x[T2], _i(0, T0, 2, T2, LOAD), "LW from the code leaf (k = 0 record)");
        (p,) = _load(_i(0, T0, 2, T2, LOAD), PC0 + 32);
        assertEq(p.x[T2], 0, "LW from the leaf beside the code (k = 0, different leaf)");
        (p,) = _load(_i(0, T0, 2, 0, LOAD), 0x10100);
        assertEq(p.x[0], 0, "load into x0 is dropped");
        assertEq(_run1(_i(0, T0, 3, T2, LOAD), 0x10100, 0).exitCode, 1, "load funct3 3 is illegal");
        assertEq(_run1(_i(0, T0, 6, T2, LOAD), 0x10100, 0).exitCode, 1, "load funct3 6 is illegal");
        assertEq(_run1(_i(0, T0, 7, T2, LOAD), 0x10100, 0).exitCode, 1, "load funct3 7 is illegal");
    }

    function _store(uint32 base, int256 off, uint256 f3, uint32 val) internal view returns (uint256 records) {
        uint32 ins = _s(off, T1, T0, f3);
        Mem memory m = _dataMem(ins);
        St memory s = _state(m);
        s.x[T0] = base;
        s.x[T1] = val;
        uint256 size = 1 << f3;
        uint256 addr = uint256(int256(uint256(base)) + off) & 0xffffffff;
        bytes memory proof = bytes.concat(_rec(m, PC0 >> 5, 27), _storeRecs(m, PC0 >> 5, addr, size, val));
        records = 1 + ((addr >> 5) == ((addr + size - 1) >> 5) ? 1 : 2);
        St memory p = _step(s, proof);
        assertEq(p.memRoot, _root(m), "memRoot after the store");
        assertEq(_peek(m, addr, size), uint256(val) & ((1 << (8 * size)) - 1), "model holds the value");
        assertEq(p.pc, PC0 + 4, "store pc + 4");
        assertEq(keccak256(abi.encode(p.x)), keccak256(abi.encode(s.x)), "a store writes no register");
    }

    function test_stores() public view {
        assertEq(_store(0x10100, 0, 0, 0x12345678), 2, "SB");
        assertEq(_store(0x10100, 6, 1, 0x12345678), 2, "SH");
        assertEq(_store(0x10100, 8, 2, 0x12345678), 2, "SW");
        assertEq(_store(0x10104, -3, 2, 0xdeadbeef), 2, "misaligned SW in one leaf");
        assertEq(_store(0x10100, 0x1d, 2, 0xdeadbeef), 3, "SW across two leaves");
        assertEq(_store(0x10100, 0x1f, 1, 0xbeef), 3, "SH across two leaves");
        assertEq(_store(0x10fff, 0, 1, 0xbeef), 3, "SH across a page boundary (leaf bits 0..7 differ)");
        assertEq(_store(0xfffff, 0, 2, 0xcafe), 3, "SW across a 1 MiB boundary (high bit differs)");
        assertEq(_store(PC0, 16, 2, 0x11223344), 2, "SW into the code leaf (k = 0 record)");
        assertEq(_store(PC0, 30, 2, 0x11223344), 3, "SW from the code leaf into the next (k = 0 twice)");
        assertEq(_store(PC0, 0, 2, 0), 2, "SW over its own instruction");
        assertEq(_store(0x2000fffc, 0, 2, 0xffffffff), 2, "SW at the last word of RAM");
        assertEq(_run1(_s(0, T1, T0, 3), 0x10100, 0).exitCode, 1, "store funct3 3 is illegal");
        assertEq(_run1(_s(0, T1, T0, 4), 0x10100, 0).exitCode, 1, "store funct3 4 is illegal");
    }

    /// @notice A store across two leaves whose second record does not reach the root after the first
    ///         write (here: its leaf value is wrong) reverts with record 2.
    function test_storeSecondRecordChecked() public {
        uint32 ins = _s(0x1e, T1, T0, 2);
        Mem memory m = _dataMem(ins);
        St memory s = _state(m);
        s.x[T0] = 0x10100;
        s.x[T1] = 0xffffffff;
        bytes memory fetch = _rec(m, PC0 >> 5, 27);
        bytes memory first = _rec(m, 0x10100 >> 5, _k(0x10100 >> 5, PC0 >> 5));
        bytes memory good = bytes.concat(fetch, _storeRecs(m, PC0 >> 5, 0x1011e, 4, 0xffffffff));
        St memory p = _step(s, good);
        assertEq(p.memRoot, _root(m), "both leaves written");
        // the third record starts after the fetch and the first data record; change its leaf
        bytes memory copy = _cut(good, good.length);
        uint256 third = fetch.length + first.length;
        copy[third + 5] = bytes1(uint8(copy[third + 5]) ^ 1);
        vm.expectRevert(_badProof(RiscvStep.ProofError.RootMismatch, 2));
        rv.step(_enc(s), copy);
    }

    // ================================================================== faults (§6)

    function test_faultMisalignedPc() public view {
        Mem memory m;
        St memory s = _state(m);
        for (uint32 low = 1; low < 4; low++) {
            s.pc = PC0 + low;
            _expectFault(s, "", 2, "misaligned pc");
        }
        s.pc = 0x2; // misaligned and out of range: class 2 comes first
        _expectFault(s, "", 2, "misaligned before out of range");
    }

    function test_faultPcOutOfRange() public {
        Mem memory m;
        St memory s = _state(m);
        s.pc = 0;
        _expectFault(s, "", 3, "pc 0");
        s.pc = RAM_BASE - 4;
        _expectFault(s, "", 3, "pc below RAM_BASE");
        s.ramEnd = 0x11000;
        s.pc = 0x11000;
        _expectFault(s, "", 3, "pc == ramEnd");
        s.pc = 0xfffffffc;
        _expectFault(s, "", 3, "pc at the top of the address space");
        // the last word of the window is fetched
        _poke(m, 0x10ffc, 4, 0x00000013);
        s.memRoot = _root(m);
        s.pc = 0x10ffc;
        St memory p = _step(s, _rec(m, 0x10ffc >> 5, 27));
        assertEq(p.pc, 0x11000, "nop at the last word");
        assertEq(p.status, 0, "running");
        // a fault's proof is empty: a fetch record is trailing
        s.pc = 0x11000;
        vm.expectRevert(_badProof(RiscvStep.ProofError.Trailing, 0));
        rv.step(_enc(s), _rec(m, 0x11000 >> 5, 27));
    }

    function test_faultLoadStoreWindow() public {
        // base, offset, funct3, is store
        uint32[7] memory bases = [uint32(0xfffe), 0x1fffe, 0x1fffd, 0xffffffff, 0x80000000, 0, 0x1ffff];
        uint256[7] memory f3s = [uint256(2), 2, 2, 0, 0, 0, 1];
        for (uint256 i = 0; i < bases.length; i++) {
            for (uint256 st = 0; st < 2; st++) {
                uint32 ins = st == 0 ? _i(0, T0, f3s[i], T2, LOAD) : _s(0, T1, T0, f3s[i]);
                Mem memory m = _dataMem(ins);
                St memory s = _state(m);
                s.ramEnd = 0x20000;
                s.x[T0] = bases[i];
                s.x[T1] = 0x55555555;
                // a faulting load or store has the fetch only (§9.1)
                _expectFault(s, _rec(m, PC0 >> 5, 27), 3, string.concat("window ", vm.toString(i)));
            }
        }
        // the same accesses just inside the window run
        Mem memory m2 = _dataMem(_i(0, T0, 2, T2, LOAD));
        St memory s2 = _state(m2);
        s2.ramEnd = 0x20000;
        s2.x[T0] = 0x1fffc;
        St memory p = _step(s2, bytes.concat(_rec(m2, PC0 >> 5, 27), _loadRecs(m2, PC0 >> 5, 0x1fffc, 4)));
        assertEq(p.status, 0, "LW at ramEnd - 4 runs");
        // a load past the window with a data record appended: the record is trailing
        s2.x[T0] = 0x1fffe;
        vm.expectRevert(_badProof(RiscvStep.ProofError.Trailing, 1));
        rv.step(_enc(s2), bytes.concat(_rec(m2, PC0 >> 5, 27), _rec(m2, 0x1ffe0 >> 5, 0)));
    }

    // ================================================================== ecalls (§4)

    function _ecallState(Mem memory m, uint32 a7, uint32 a0, uint32 a1, uint32 a2) internal view returns (St memory s) {
        _poke(m, PC0, 4, 0x73);
        s = _state(m);
        s.x[A7] = a7;
        s.x[A0] = a0;
        s.x[A1] = a1;
        s.x[A2] = a2;
    }

    function test_exitEcall() public view {
        Mem memory m;
        St memory s = _ecallState(m, 93, 0xfffffff9, 0, 0);
        St memory p = _step(s, _rec(m, PC0 >> 5, 27));
        assertEq(p.status, 1, "exited");
        assertEq(p.exitCode, 0xfffffff9, "any exit code");
        assertEq(p.pc, PC0, "pc unchanged");
        assertEq(p.step, 1, "step + 1");
        assertEq(p.x[A0], 0xfffffff9, "a0 unchanged");
    }

    bytes internal constant INPUT = "The quick brown fox jumps over the lazy dog";

    /// @dev A read_input step: returns (post, input tree).
    function _read(uint32 a1, uint32 a2, uint32 cursor, uint256 expectN) internal view returns (St memory p) {
        Mem memory m;
        _pokeBytes(m, 0x10200, hex"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
        St memory s = _ecallState(m, 63, 0, a1, a2);
        Mem memory inp = _inputMem(INPUT);
        s.inputRoot = _root(inp);
        s.inputLength = uint32(INPUT.length);
        s.inputCursor = cursor;
        bytes memory proof = _rec(m, PC0 >> 5, 27);
        if (expectN > 0) {
            proof = bytes.concat(proof, _rec(m, a1 >> 5, _k(a1 >> 5, PC0 >> 5)), _rec(inp, cursor >> 5, 27));
            for (uint256 i = 0; i < expectN; i++) {
                _setByte(m, a1 + i, uint8(INPUT[cursor + i]));
            }
        }
        p = _step(s, proof);
        assertEq(p.status, 0, "read_input runs");
        assertEq(p.x[A0], expectN, "read_input returns n");
        assertEq(p.inputCursor, cursor + expectN, "cursor += n");
        assertEq(p.memRoot, _root(m), "memory after read_input");
        assertEq(p.pc, PC0 + 4, "pc + 4");
    }

    function test_readInput() public view {
        _read(0x10200, 100, 0, 32); // a whole chunk into a whole leaf
        _read(0x10200, 100, 32, 11); // the last, short chunk: 43 - 32 bytes
        _read(0x10200, 5, 0, 5); // a2 limits
        _read(0x1021d, 100, 0, 3); // room = 32 - 29
        _read(0x10200, 100, 30, 2); // the chunk boundary: 32 - 30
        _read(0x10201, 100, 1, 31); // both offsets 1: room 31 = chunk rest 31
        _read(0x10200, 100, 42, 1); // one byte left
        _read(0x10200, 0xffffffff, 0, 32); // a2 is unsigned
        _read(0x10200, 0, 0, 0); // n = 0: no access
        _read(0x10200, 100, 43, 0); // EOF: n = 0
        _read(0x100, 0, 0, 0); // n = 0 with a buffer outside RAM: no fault
        _read(PC0 + 8, 4, 3, 4); // into the code leaf (k = 0 record)
    }

    function test_readInputFaultsAndProofs() public {
        Mem memory m;
        Mem memory inp = _inputMem(INPUT);
        St memory s = _ecallState(m, 63, 0, 0xfff0, 100);
        s.inputRoot = _root(inp);
        s.inputLength = uint32(INPUT.length);
        bytes memory fetch = _rec(m, PC0 >> 5, 27);
        _expectFault(s, fetch, 3, "read_input buffer below RAM");
        s.x[A1] = DEFAULT_RAM_END - 2; // n = 2 fits exactly at the window's end
        St memory p = _step(s, bytes.concat(fetch, _rec(m, s.x[A1] >> 5, _k(s.x[A1] >> 5, PC0 >> 5)), _rec(inp, 0, 27)));
        assertEq(p.x[A0], 2, "two bytes up to ramEnd");
        s.x[A0] = 1;
        _expectFault(s, fetch, 4, "read from fd 1");
        s.x[A0] = 0;
        s.x[A1] = 0x10200;
        bytes memory memRec = _rec(m, 0x10200 >> 5, _k(0x10200 >> 5, PC0 >> 5));
        // the input record is missing
        vm.expectRevert(_badProof(RiscvStep.ProofError.Truncated, 2));
        rv.step(_enc(s), bytes.concat(fetch, memRec));
        // the wrong chunk
        vm.expectRevert(_badProof(RiscvStep.ProofError.RootMismatch, 2));
        rv.step(_enc(s), bytes.concat(fetch, memRec, _rec(inp, 1, 27)));
        // a mask bit at level 27 of the input record
        bytes memory ir = _rec(inp, 0, 27);
        ir[32] = 0x08;
        vm.expectRevert(_badProof(RiscvStep.ProofError.MaskBit, 2));
        rv.step(_enc(s), bytes.concat(fetch, memRec, ir));
        // trailing after the input record
        vm.expectRevert(_badProof(RiscvStep.ProofError.Trailing, 3));
        rv.step(_enc(s), bytes.concat(fetch, memRec, _rec(inp, 0, 27), hex"00"));
    }

    /// @dev A write_output step of bytes 0x40.. at a1 with the given output state.
    function _write(uint32 a1, uint32 a2, uint32 outLen, uint32 limit, uint256 expectN)
        internal
        view
        returns (St memory s, St memory p)
    {
        Mem memory m;
        for (uint256 i = 0; i < 64; i++) {
            _setByte(m, 0x10300 + i, uint8(0x40 + i));
        }
        s = _ecallState(m, 64, 1, a1, a2);
        s.outputLength = outLen;
        s.outputLimit = limit;
        s.outputAcc = keccak256("acc");
        // pending bytes 0x01.. of the current chunk
        uint256 pend = outLen & 31;
        for (uint256 i = 0; i < pend; i++) {
            s.outputBuf |= bytes32(uint256(i + 1) << (8 * (31 - i)));
        }
        bytes memory proof = _rec(m, PC0 >> 5, 27);
        if (expectN > 0) proof = bytes.concat(proof, _rec(m, a1 >> 5, _k(a1 >> 5, PC0 >> 5)));
        p = _step(s, proof);
        assertEq(p.status, 0, "write_output runs");
        assertEq(p.x[A0], expectN, "write_output returns n");
        assertEq(p.outputLength, outLen + expectN, "outputLength += n");
        assertEq(p.memRoot, s.memRoot, "memory unchanged");
        // the expected buffer: pending bytes, then the n bytes read
        bytes32 buf = s.outputBuf;
        for (uint256 i = 0; i < expectN; i++) {
            buf |= bytes32(uint256(_getByte(m, a1 + i)) << (8 * (31 - (pend + i))));
        }
        if ((outLen + expectN) % 32 == 0 && expectN > 0) {
            assertEq(p.outputAcc, keccak256(abi.encodePacked(s.outputAcc, buf)), "complete chunk chained");
            assertEq(p.outputBuf, bytes32(0), "buffer cleared");
        } else {
            assertEq(p.outputAcc, s.outputAcc, "acc unchanged");
            assertEq(p.outputBuf, buf, "buffer");
        }
    }

    function test_writeOutput() public view {
        _write(0x10300, 5, 0, 1 << 26, 5);
        _write(0x10300, 100, 0, 1 << 26, 32); // a whole chunk at once
        _write(0x10300, 100, 30, 1 << 26, 2); // completes the chunk: 32 - 30
        _write(0x1031e, 100, 0, 1 << 26, 2); // room = 2
        _write(0x10301, 100, 33, 1 << 26, 31); // both limits 31
        _write(0x10300, 0, 7, 1 << 26, 0); // n = 0
        _write(0x10300, 5, 0, 5, 5); // the output limit exactly reached
        _write(0x10300, 0, 5, 5, 0); // n = 0 at the limit: no fault
        _write(0x100, 0, 0, 1 << 26, 0); // n = 0, buffer outside RAM: no fault
        _write(PC0 + 4, 4, 0, 1 << 26, 4); // from the code leaf (k = 0 record)
        _write(0x10300, 0xffffffff, 64, 0xffffffff, 32); // unsigned a2, third chunk
    }

    function test_writeOutputFaults() public view {
        Mem memory m;
        St memory s = _ecallState(m, 64, 1, 0x10300, 5);
        bytes memory fetch = _rec(m, PC0 >> 5, 27);
        s.outputLimit = 4;
        _expectFault(s, fetch, 5, "output limit exceeded by one");
        s.outputLength = 4;
        s.outputBuf = bytes32(uint256(0x01020304) << 224);
        _expectFault(s, fetch, 5, "output limit already reached");
        s.x[A1] = 0xfff0;
        _expectFault(s, fetch, 3, "class 3 comes before class 5");
        s.outputLimit = 1 << 26;
        s.x[A1] = DEFAULT_RAM_END - 1;
        St memory p = _step(s, bytes.concat(fetch, _rec(m, s.x[A1] >> 5, _k(s.x[A1] >> 5, PC0 >> 5))));
        assertEq(p.x[A0], 1, "one byte before ramEnd");
        s.x[A0] = 3;
        _expectFault(s, fetch, 4, "write to fd 3");
        s.x[A0] = 0;
        _expectFault(s, fetch, 4, "write to fd 0");
    }

    function test_logAndUnknownEcalls() public view {
        Mem memory m;
        St memory s = _ecallState(m, 64, 2, 0x100, 123456);
        bytes memory fetch = _rec(m, PC0 >> 5, 27);
        St memory p = _step(s, fetch);
        assertEq(p.x[A0], 123456, "log returns a2");
        assertEq(p.pc, PC0 + 4, "log pc + 4");
        assertEq(p.memRoot, s.memRoot, "log touches nothing");
        uint32[6] memory nums = [uint32(0), 1, 62, 65, 94, 0xffffffff];
        for (uint256 i = 0; i < nums.length; i++) {
            s.x[A7] = nums[i];
            _expectFault(s, fetch, 4, string.concat("unknown ecall ", vm.toString(uint256(nums[i]))));
        }
        s.x[A7] = 63;
        s.x[A0] = 2;
        _expectFault(s, fetch, 4, "read from fd 2");
        s.x[A7] = 93;
        p = _step(s, fetch);
        assertEq(p.status, 1, "exit whatever a0");
    }

    // ================================================================== terminal states

    function test_terminalStates() public {
        Mem memory m;
        St memory s = _state(m);
        s.step = 77;
        s.status = 1;
        s.exitCode = 0xffffffff;
        s.pc = 3; // anything: a terminal state is not executed
        bytes memory pre = _enc(s);
        (bytes32 h, uint8 st) = rv.step(pre, "");
        assertEq(h, keccak256(pre), "exited steps to itself");
        assertEq(uint256(st), 1, "exited");
        assertEq(keccak256(rv.stepState(pre, "")), keccak256(pre), "stepState of an exited state");
        for (uint32 c = 1; c <= 5; c++) {
            s.status = 2;
            s.exitCode = c;
            pre = _enc(s);
            (h, st) = rv.step(pre, "");
            assertEq(h, keccak256(pre), "faulted steps to itself");
            assertEq(uint256(st), 2, "faulted");
        }
        s.step = uint64(type(uint64).max >> 1); // 2^63 - 1 is fine for a terminal state
        pre = _enc(s);
        (h,) = rv.step(pre, "");
        assertEq(h, keccak256(pre), "terminal at 2^63 - 1");
        vm.expectRevert(_badProof(RiscvStep.ProofError.Trailing, 0));
        rv.step(pre, hex"00");
    }

    // ================================================================== BadState (§5)

    function _expectBadState(bytes memory pre, RiscvStep.StateError why) internal {
        vm.expectRevert(_badState(why));
        rv.step(pre, "");
        vm.expectRevert(_badState(why));
        rv.stepState(pre, "");
    }

    function test_badState() public {
        Mem memory m;
        St memory s = _state(m);
        bytes memory pre = _enc(s);
        _expectBadState(bytes.concat(pre, hex"00"), RiscvStep.StateError.Length);
        bytes memory short = new bytes(295);
        _expectBadState(short, RiscvStep.StateError.Length);
        _expectBadState("", RiscvStep.StateError.Length);

        St memory t = _dec(pre);
        t.x[0] = 1;
        _expectBadState(_enc(t), RiscvStep.StateError.X0);
        t = _dec(pre);
        t.inputLength = 5;
        t.inputCursor = 6;
        _expectBadState(_enc(t), RiscvStep.StateError.InputCursor);
        t = _dec(pre);
        t.outputLimit = 10;
        t.outputLength = 11;
        _expectBadState(_enc(t), RiscvStep.StateError.OutputLength);
        t = _dec(pre);
        t.outputLength = 3;
        t.outputBuf = bytes32(uint256(0xff) << (8 * 28)); // byte 3
        _expectBadState(_enc(t), RiscvStep.StateError.OutputBuf);
        t.outputBuf = bytes32(uint256(0xff) << (8 * 29)); // byte 2: pending, fine
        t.status = 1;
        rv.step(_enc(t), "");
        t = _dec(pre);
        t.outputLength = 64;
        t.outputBuf = bytes32(uint256(1));
        _expectBadState(_enc(t), RiscvStep.StateError.OutputBuf);

        uint32[5] memory badEnds = [uint32(0x10000), 0x20010001, 0x80001000, 0, 0xfffff000];
        for (uint256 i = 0; i < badEnds.length; i++) {
            t = _dec(pre);
            t.ramEnd = badEnds[i];
            _expectBadState(_enc(t), RiscvStep.StateError.RamEnd);
        }
        t = _dec(pre);
        t.ramEnd = 0x80000000;
        t.status = 1;
        rv.step(_enc(t), ""); // the largest window is valid
        t.ramEnd = 0x11000;
        rv.step(_enc(t), ""); // and the smallest

        t = _dec(pre);
        t.step = uint64(1) << 63;
        _expectBadState(_enc(t), RiscvStep.StateError.Step);
        t.step = type(uint64).max;
        _expectBadState(_enc(t), RiscvStep.StateError.Step);
        t.step = uint64(type(uint64).max >> 1); // running at 2^63 - 1: no valid successor
        _expectBadState(_enc(t), RiscvStep.StateError.Step);

        t = _dec(pre);
        t.status = 3;
        _expectBadState(_enc(t), RiscvStep.StateError.Status);
        t.status = 0x100;
        _expectBadState(_enc(t), RiscvStep.StateError.Status);
        t = _dec(pre);
        t.exitCode = 1;
        _expectBadState(_enc(t), RiscvStep.StateError.ExitCode);
        t.status = 2;
        t.exitCode = 0;
        _expectBadState(_enc(t), RiscvStep.StateError.ExitCode);
        t.exitCode = 6;
        _expectBadState(_enc(t), RiscvStep.StateError.ExitCode);
    }

    // ================================================================== BadProof (§9.2)

    function test_badProofFetch() public {
        Mem memory m;
        _poke(m, PC0, 4, 0x00000013);
        _setByte(m, 0x12345, 7); // a nonzero sibling somewhere
        St memory s = _state(m);
        bytes memory pre = _enc(s);
        bytes memory good = _rec(m, PC0 >> 5, 27);
        rv.step(pre, good);

        vm.expectRevert(_badProof(RiscvStep.ProofError.Truncated, 0));
        rv.step(pre, "");
        vm.expectRevert(_badProof(RiscvStep.ProofError.Truncated, 0));
        rv.step(pre, _cut(good, 35));
        vm.expectRevert(_badProof(RiscvStep.ProofError.Truncated, 0));
        rv.step(pre, _cut(good, good.length - 1));
        vm.expectRevert(_badProof(RiscvStep.ProofError.Trailing, 1));
        rv.step(pre, bytes.concat(good, hex"00"));

        bytes memory bad = _cut(good, good.length);
        bad[0] = 0x14; // another leaf value
        vm.expectRevert(_badProof(RiscvStep.ProofError.RootMismatch, 0));
        rv.step(pre, bad);

        for (uint256 bit = 27; bit < 32; bit++) {
            bad = _cut(good, good.length);
            bad[32] = bytes1(uint8(bad[32]) | uint8(1 << (bit - 24)));
            vm.expectRevert(_badProof(RiscvStep.ProofError.MaskBit, 0));
            rv.step(pre, bad);
        }
        // an explicit zero sibling (mask bit clear) is allowed
        St memory p = _step(s, _recFull(m, PC0 >> 5));
        assertEq(p.pc, PC0 + 4, "all 27 siblings explicit");
        // a proof against another root
        s.memRoot = keccak256("other");
        vm.expectRevert(_badProof(RiscvStep.ProofError.RootMismatch, 0));
        rv.step(_enc(s), good);
    }

    function test_badProofLaterRecords() public {
        // LW t2, 0x1e(t0) from 0x10100: two data leaves 2056 and 2057 (k = 3, then k = 0 different leaf)
        uint32 ins = _i(0x1e, T0, 2, T2, LOAD);
        Mem memory m = _dataMem(ins);
        St memory s = _state(m);
        s.x[T0] = 0x10100;
        bytes memory pre = _enc(s);
        bytes memory fetch = _rec(m, PC0 >> 5, 27);
        uint256 k1 = _k(0x10100 >> 5, PC0 >> 5);
        assertEq(k1, 3, "2056 ^ 2048 = 8");
        bytes memory r1 = _rec(m, 0x10100 >> 5, k1);
        bytes memory r2 = _rec(m, 0x10120 >> 5, 0);
        rv.step(pre, bytes.concat(fetch, r1, r2));

        bytes memory bad = _cut(r1, r1.length);
        bad[35] = bytes1(uint8(bad[35]) | 8); // mask bit 3 = k
        vm.expectRevert(_badProof(RiscvStep.ProofError.MaskBit, 1));
        rv.step(pre, bytes.concat(fetch, bad, r2));
        bad = _cut(r2, r2.length);
        bad[35] = 0x01; // any mask bit of a k = 0 record
        vm.expectRevert(_badProof(RiscvStep.ProofError.MaskBit, 2));
        rv.step(pre, bytes.concat(fetch, r1, bad));
        bad = _cut(r1, r1.length);
        bad[31] = 0x00;
        vm.expectRevert(_badProof(RiscvStep.ProofError.RootMismatch, 1));
        rv.step(pre, bytes.concat(fetch, bad, r2));
        bad = _cut(r2, r2.length);
        bad[0] = 0x00;
        vm.expectRevert(_badProof(RiscvStep.ProofError.RootMismatch, 2));
        rv.step(pre, bytes.concat(fetch, r1, bad));
        // the later record given with 27 levels, as if it were the first: its levels >= k are bytes
        // the step does not read (mask bits at levels >= k here)
        vm.expectRevert(_badProof(RiscvStep.ProofError.MaskBit, 1));
        rv.step(pre, bytes.concat(fetch, _rec(m, 0x10100 >> 5, 27), r2));
        vm.expectRevert(_badProof(RiscvStep.ProofError.Truncated, 2));
        rv.step(pre, bytes.concat(fetch, r1, _cut(r2, 20)));
        vm.expectRevert(_badProof(RiscvStep.ProofError.Truncated, 1));
        rv.step(pre, fetch);

        // the same leaf as the fetch (k = 0): its leaf must be the fetched leaf
        Mem memory m2;
        _poke(m2, PC0, 4, _i(4, T0, 2, T2, LOAD));
        St memory s2 = _state(m2);
        s2.x[T0] = PC0;
        bytes memory f2 = _rec(m2, PC0 >> 5, 27);
        bytes memory same = _rec(m2, PC0 >> 5, 0);
        assertEq(same.length, 36, "a k = 0 record is leaf and mask");
        rv.step(_enc(s2), bytes.concat(f2, same));
        same[3] = 0x01;
        vm.expectRevert(_badProof(RiscvStep.ProofError.RootMismatch, 1));
        rv.step(_enc(s2), bytes.concat(f2, same));
    }

    function _cut(bytes memory b, uint256 n) internal pure returns (bytes memory r) {
        r = new bytes(n);
        for (uint256 i = 0; i < n; i++) {
            r[i] = b[i];
        }
    }

    // ================================================================== fuzz

    /// @dev The fuzz machine: a small window (ramEnd 0x20000), registers at and around its edges.
    function _fuzzRegs() internal pure returns (uint32[32] memory x) {
        x[1] = 0x10000;
        x[2] = 0x10004;
        x[3] = 0x1001f;
        x[4] = 0x10020;
        x[5] = 0x10ffe;
        x[6] = 0x1ffff;
        x[7] = 0x1fffc;
        x[8] = 0x20000;
        x[9] = 0xffffffff;
        x[10] = 0x80000000;
        x[11] = 0x7fffffff;
        x[12] = 1;
        x[13] = 0xfffff800;
        x[14] = 0x10800;
        x[15] = 0x12345678;
        x[16] = 0xdeadbeef;
        x[17] = 64;
        x[18] = 0x1fabc;
        x[19] = 0x100ff;
        x[20] = 0x10100;
        x[21] = 0x1ff00;
        x[22] = 2;
        x[23] = 31;
        x[24] = 0xfffffffe;
        x[25] = 0x107ff;
        x[26] = 0x207ff;
        x[27] = 0xf800;
        x[28] = 0x8000;
        x[29] = 0x10fe1;
        x[30] = 0x101fd;
        x[31] = 0xabcdef01;
    }

    function _fuzzMem(uint32 ins) internal pure returns (Mem memory m) {
        for (uint256 i = 0; i < 8; i++) {
            _poke(m, PC0 + 4 * i, 4, 0x9abcdef0 + i * 0x01010101);
        }
        _poke(m, PC0 + 8, 4, ins);
        _poke(m, 0x10020, 4, 0x89abcdef);
        _poke(m, 0x10ffc, 4, 0x01234567);
        _poke(m, 0x11000, 4, 0x76543210);
        _poke(m, 0x1fffc, 4, 0xfedcba98);
        _poke(m, 0x10100, 4, 0x80808080);
    }

    /// @notice Any instruction word at a fixed pc over a fixed memory, with the proof its accesses
    ///         need: the step never reverts, returns status 0 or 2 (faults of class 1 or 3 only: no
    ///         ecall here), and a load returns the model's bytes, a store gives the model's root.
    function testFuzz_randomInstruction(uint32 ins) public view {
        if (ins == 0x73) return; // the one ecall word: covered by the ecall tests
        Mem memory m = _fuzzMem(ins);
        St memory s = _state(m);
        s.pc = PC0 + 8;
        s.ramEnd = 0x20000;
        s.x = _fuzzRegs();
        s.step = 1000;
        (bytes memory proof, bool access, uint256 addr, uint256 size) = _fuzzAccess(m, s, ins);
        St memory p = _step(s, proof);
        assertEq(p.step, 1001, "step advances");
        assertTrue(p.status == 0 || p.status == 2, "running or faulted, never exited");
        uint256 opcode = ins & 0x7f;
        if (p.status == 2) {
            assertTrue(p.exitCode == 1 || p.exitCode == 3, "only illegal or out-of-range here");
            assertEq(p.pc, s.pc, "a fault keeps pc");
            assertEq(p.memRoot, s.memRoot, "a fault keeps memory");
            if (p.exitCode == 3) {
                assertTrue((opcode == 0x03 || opcode == 0x23) && !access, "class 3 only off the window");
            }
            return;
        }
        assertEq(p.memRoot, _root(m), "memory is the model's");
        assertEq(p.x[0], 0, "x0");
        if (opcode == 0x03 && (ins >> 7) & 31 != 0) {
            uint256 v = _peek(m, addr, size);
            uint256 f3 = (ins >> 12) & 7;
            if (f3 == 0) v = uint256(int256(int8(uint8(v)))) & 0xffffffff;
            if (f3 == 1) v = uint256(int256(int16(uint16(v)))) & 0xffffffff;
            assertEq(p.x[(ins >> 7) & 31], v, "loaded value");
        }
        if (opcode != 0x6f && opcode != 0x67 && opcode != 0x63) assertEq(p.pc, s.pc + 4, "pc + 4");
    }

    /// @dev The fuzz test's own access model: the records a load or store in the window needs
    ///      (applying a store to m).
    function _fuzzAccess(Mem memory m, St memory s, uint32 ins)
        internal
        view
        returns (bytes memory proof, bool access, uint256 addr, uint256 size)
    {
        proof = _rec(m, PC0 >> 5, 27);
        uint256 opcode = ins & 0x7f;
        uint256 f3 = (ins >> 12) & 7;
        if (opcode == 0x03 && f3 != 3 && f3 < 6) {
            size = f3 == 2 ? 4 : (f3 & 3) == 1 ? 2 : 1;
            addr = (s.x[(ins >> 15) & 31] + (uint256(int256(int32(ins)) >> 20) & 0xffffffff)) & 0xffffffff;
            access = addr >= RAM_BASE && addr + size <= s.ramEnd;
            if (access) proof = bytes.concat(proof, _loadRecs(m, PC0 >> 5, addr, size));
        } else if (opcode == 0x23 && f3 < 3) {
            size = 1 << f3;
            addr = (s.x[(ins >> 15) & 31] + _immS(ins)) & 0xffffffff;
            access = addr >= RAM_BASE && addr + size <= s.ramEnd;
            if (access) proof = bytes.concat(proof, _fuzzStore(m, s, ins, addr));
        }
    }

    function _immS(uint32 ins) internal pure returns (uint256) {
        return ((uint256(int256(int32(ins)) >> 25) << 5) | ((ins >> 7) & 31)) & 0xffffffff;
    }

    function _fuzzStore(Mem memory m, St memory s, uint32 ins, uint256 addr) internal view returns (bytes memory) {
        return _storeRecs(m, PC0 >> 5, addr, 1 << ((ins >> 12) & 7), s.x[(ins >> 20) & 31]);
    }

    /// @notice Random pre-state bytes with an empty proof: the step answers, or reverts with BadState
    ///         or BadProof, never with anything else (no panic).
    function testFuzz_randomStateNeverPanics(bytes32 a, bytes32 b) public view {
        Mem memory m;
        St memory s = _state(m);
        uint256 c = uint256(keccak256(abi.encodePacked(a, b)));
        s.pc = uint32(c);
        s.ramEnd = uint32(c >> 32);
        s.status = uint32(c >> 64) % 4;
        s.exitCode = uint32(c >> 96) % 7;
        s.x[1] = uint32(uint256(a));
        s.memRoot = b;
        s.inputLength = uint32(uint256(a) >> 32);
        s.inputCursor = uint32(uint256(a) >> 64);
        s.outputLength = uint32(uint256(a) >> 96) & 0xff;
        s.outputLimit = uint32(uint256(a) >> 128) & 0xfff;
        s.outputBuf = bytes32(uint256(b) >> (uint8(uint256(a) >> 160)));
        s.step = uint64(uint256(a) >> 192);
        try rv.step(_enc(s), "") returns (bytes32, uint8 status) {
            assertTrue(status <= 2, "status in 0..2");
        } catch (bytes memory err) {
            bytes4 sel = bytes4(err);
            assertTrue(
                sel == RiscvStep.BadState.selector || sel == RiscvStep.BadProof.selector, "only BadState or BadProof"
            );
        }
    }

    /// @notice Changing any one byte of a good three-access proof (fetch, store across two leaves,
    ///         every record with explicit siblings) makes it bad: BadProof, never a wrong answer.
    function testFuzz_mutatedProofReverts(uint256 pos, uint8 delta) public view {
        uint32 ins = _s(0x1e, T1, T0, 2);
        Mem memory m = _dataMem(ins);
        _setByte(m, 0x10140, 1); // a nonzero sibling of the data leaves
        _setByte(m, 0x18000, 1); // and one higher up
        St memory s = _state(m);
        s.x[T0] = 0x10100;
        s.x[T1] = 0x01020304;
        bytes memory proof = bytes.concat(_rec(m, PC0 >> 5, 27), _storeRecs(m, PC0 >> 5, 0x1011e, 4, 0x01020304));
        pos = bound(pos, 0, proof.length - 1);
        proof[pos] = bytes1(uint8(proof[pos]) ^ (delta == 0 ? 1 : delta));
        try rv.step(_enc(s), proof) returns (bytes32, uint8) {
            fail("a mutated proof was accepted");
        } catch (bytes memory err) {
            assertTrue(bytes4(err) == RiscvStep.BadProof.selector, "BadProof");
        }
    }

    // ================================================================== gas (§9.2 targets)

    /// @dev Gas of one `step` call made by a meter contract with the account already warm: the
    ///      callee's execution plus the warm CALL and the argument copy in the meter (about 200 gas);
    ///      no calldata intrinsic cost, no cold-account surcharge (2,500 more for a first call in a
    ///      transaction). The meter keeps the number the same whether or not forge isolates this
    ///      test's calls into transactions (it does under --gas-report).
    function _gas(St memory s, bytes memory proof) internal returns (uint256) {
        if (address(meter) == address(0)) meter = new StepGasMeter();
        return meter.measure(rv, _enc(s), proof);
    }

    StepGasMeter internal meter;

    /// @dev Memory with nonzero siblings along the code and data paths (realistic proofs).
    function _busy(Mem memory m) internal pure {
        _setByte(m, 0x10040, 1);
        _setByte(m, 0x14000, 1);
        _setByte(m, 0x1000000, 1);
    }

    function _gasAdd() internal returns (uint256) {
        Mem memory m = _dataMem(_r(0, T1, T0, 0, T2, OP));
        _busy(m);
        St memory s = _state(m);
        return _gas(s, _rec(m, PC0 >> 5, 27));
    }

    function _gasLoad() internal returns (uint256) {
        Mem memory m = _dataMem(_i(0, T0, 2, T2, LOAD));
        _busy(m);
        St memory s = _state(m);
        s.x[T0] = 0x10100;
        return _gas(s, bytes.concat(_rec(m, PC0 >> 5, 27), _loadRecs(m, PC0 >> 5, 0x10100, 4)));
    }

    /// @dev A store across two leaves far from the code: k = 23, then 7.
    function _gasStore2() internal returns (uint256) {
        Mem memory m = _dataMem(_s(0, T1, T0, 2));
        _busy(m);
        St memory s = _state(m);
        s.x[T0] = 0x1000fffe;
        s.x[T1] = 0x12345678;
        bytes memory fetch = _rec(m, PC0 >> 5, 27);
        return _gas(s, bytes.concat(fetch, _storeRecs(m, PC0 >> 5, 0x1000fffe, 4, 0x12345678)));
    }

    function _gasRead() internal returns (uint256) {
        Mem memory m;
        _busy(m);
        St memory s = _ecallState(m, 63, 0, 0x10200, 32);
        Mem memory inp = _inputMem(INPUT);
        s.inputRoot = _root(inp);
        s.inputLength = uint32(INPUT.length);
        bytes memory recs = bytes.concat(_rec(m, PC0 >> 5, 27), _rec(m, 0x10200 >> 5, _k(0x10200 >> 5, PC0 >> 5)));
        return _gas(s, bytes.concat(recs, _rec(inp, 0, 27)));
    }

    function _gasWrite() internal returns (uint256) {
        Mem memory m;
        _busy(m);
        St memory s = _ecallState(m, 64, 1, 0x10200, 32);
        return _gas(s, bytes.concat(_rec(m, PC0 >> 5, 27), _rec(m, 0x10200 >> 5, _k(0x10200 >> 5, PC0 >> 5))));
    }

    function _gasTerminal() internal returns (uint256) {
        Mem memory m;
        St memory s = _state(m);
        s.status = 1;
        return _gas(s, "");
    }

    /// @notice Execution gas of `step` per class (the external call from this test, calldata not
    ///         counted): one access <= 15k, two <= 30k, three <= 45k.
    function test_gasTable() public {
        uint256 g1 = _gasAdd();
        uint256 g2 = _gasLoad();
        uint256 g3 = _gasStore2();
        uint256 g4 = _gasRead();
        uint256 g5 = _gasWrite();
        uint256 g6 = _gasTerminal();
        _log(string.concat("gas RiscvStep.step: 1 access (ADD)         ", vm.toString(g1)));
        _log(string.concat("gas RiscvStep.step: 2 accesses (LW)        ", vm.toString(g2)));
        _log(string.concat("gas RiscvStep.step: 3 accesses (SW x2 leaf) ", vm.toString(g3)));
        _log(string.concat("gas RiscvStep.step: read_input (2 + chunk) ", vm.toString(g4)));
        _log(string.concat("gas RiscvStep.step: write_output (2)       ", vm.toString(g5)));
        _log(string.concat("gas RiscvStep.step: terminal state         ", vm.toString(g6)));
        assertLe(g1, 15_000, "one access");
        assertLe(g2, 30_000, "two accesses");
        assertLe(g3, 45_000, "three accesses");
        assertLe(g4, 45_000, "read_input");
    }
}

/// @notice Measures one warm `RiscvStep.step` call inside a single call frame.
contract StepGasMeter {
    function measure(RiscvStep rv, bytes calldata pre, bytes calldata proof) external view returns (uint256 g) {
        rv.step(pre, proof); // warms the account
        g = gasleft();
        rv.step(pre, proof);
        g -= gasleft();
    }
}
