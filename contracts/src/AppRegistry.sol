// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title AppRegistry
/// @notice Apps: an owner, a trust mode, the digest of the program or artifact that runs, and
///         policy bytes (interpreted offchain, e.g. the TEE measurement policy). Upgrades keep the id;
///         a job pins the release it was submitted against (JobManager), so an upgrade mid-job changes
///         nothing it runs. A TEE app names the wallet its results are signed by (setTeeSigner); an app of
///         an adapter mode (code >= 3, e.g. ZK) names its per-app config contract (setAppConfig; for ZK its
///         Groth16 verifier: docs/spec/modes.md §2, zk.md; for REEXEC_OBJECTIVE its ObjectiveConfig, objective.md).
///         Modes 0 and 1 are built in; REEXEC_OBJECTIVE (2) and a mode >= 3 only while governance enables it
///         (setModeEnabled). Creation is allowlisted until the owner makes it permissionless.
contract AppRegistry is Ownable {
    /// @dev Encoded as uint8 0..3 in the ABI. The built-in codes and the ZK adapter's; an app's mode is a uint8
    ///      and may be any code >= 3 governance enables (a third party's mode: 4, 5, ...).
    enum TrustMode {
        TEE,
        REEXEC_INTERSUBJECTIVE,
        REEXEC_OBJECTIVE,
        ZK
    }

    struct App {
        address owner;
        uint8 mode;
        bytes32 programDigest;
        bytes policy;
        uint32 version;
    }

    uint256 public constant MAX_POLICY_BYTES = 4096;

    mapping(uint256 appId => App) private _apps;
    uint256 private _appCount;
    mapping(address account => bool allowed) public isAllowlisted;
    mapping(uint256 appId => address signer) private _teeSigner;
    mapping(uint256 appId => address config) private _appConfig;
    bool public permissionless;
    /// @notice Whether apps of REEXEC_OBJECTIVE (2) or an adapter mode (code >= 3) may be created.
    mapping(uint8 mode => bool) public modeEnabled;

    error UnknownApp(uint256 appId);
    error InvalidMode(uint8 mode);
    error ZeroDigest();
    error PolicyTooLarge(uint256 length, uint256 max);
    error NotAllowlisted(address caller);
    error NotAppOwner(uint256 appId, address caller);
    error ZeroAddress();
    error NotTeeApp(uint256 appId);
    error ModeNotAvailable(uint8 mode);
    error NotAdapterMode(uint256 appId);
    error NotAContract(address account);

    event AppCreated(uint256 indexed appId, address indexed owner, uint8 mode, bytes32 programDigest);
    event AppUpgraded(uint256 indexed appId, uint32 version, bytes32 programDigest);
    event AppTransferred(uint256 indexed appId, address indexed previousOwner, address indexed newOwner);
    event AllowlistSet(address account, bool allowed);
    event PermissionlessSet(bool permissionless);
    event TeeSignerSet(uint256 indexed appId, address signer);
    event AppConfigSet(uint256 indexed appId, address config);
    event ModeEnabledSet(uint8 indexed mode, bool enabled);

    constructor(address owner) Ownable(owner) {}

    /// @notice Creates an app owned by msg.sender, version 1. Ids start at 1. `mode` is TEE (0),
    ///         REEXEC_INTERSUBJECTIVE (1), or REEXEC_OBJECTIVE (2) or an adapter mode (>= 3; ZK is 3) governance
    ///         enabled; anything else is ModeNotAvailable.
    function createApp(uint8 mode, bytes32 programDigest, bytes calldata policy) external returns (uint256 appId) {
        if (!permissionless && !isAllowlisted[msg.sender]) revert NotAllowlisted(msg.sender);
        if (mode >= uint8(TrustMode.REEXEC_OBJECTIVE) && !modeEnabled[mode]) revert ModeNotAvailable(mode);
        _checkRelease(programDigest, policy);

        appId = ++_appCount;
        App storage app = _apps[appId];
        app.owner = msg.sender;
        app.mode = mode;
        app.programDigest = programDigest;
        app.policy = policy;
        app.version = 1;
        emit AppCreated(appId, msg.sender, mode, programDigest);
    }

    /// @notice Replaces the program digest and policy; the mode and id stay, the version goes up by one.
    function upgradeApp(uint256 appId, bytes32 programDigest, bytes calldata policy) external {
        App storage app = _ownedBy(appId, msg.sender);
        _checkRelease(programDigest, policy);
        app.programDigest = programDigest;
        app.policy = policy;
        uint32 version = app.version + 1;
        app.version = version;
        emit AppUpgraded(appId, version, programDigest);
    }

    function transferApp(uint256 appId, address newOwner) external {
        App storage app = _ownedBy(appId, msg.sender);
        if (newOwner == address(0)) revert ZeroAddress();
        app.owner = newOwner;
        emit AppTransferred(appId, msg.sender, newOwner);
    }

    /// @notice For a TEE app: the app wallet every job result must be signed by (JobManager.submitTeeResult).
    ///         JobManager takes no job of a TEE app until it is set (an unsigned TEE result could not be
    ///         checked by anyone). The owner sets it to the wallet the app's KMS derives for the app, which
    ///         only launches that pass the app's policy receive; it stays across upgrades, and each job pins
    ///         the signer it was submitted with.
    function setTeeSigner(uint256 appId, address signer) external {
        App storage app = _ownedBy(appId, msg.sender);
        if (app.mode != uint8(TrustMode.TEE)) revert NotTeeApp(appId);
        _teeSigner[appId] = signer;
        emit TeeSignerSet(appId, signer);
    }

    /// @notice The app wallet a TEE app's results must be signed by; 0 when none is required.
    function teeSignerOf(uint256 appId) external view returns (address) {
        _existing(appId);
        return _teeSigner[appId];
    }

    /// @notice For an app of REEXEC_OBJECTIVE (2) or an adapter mode (code >= 3): the per-app contract the mode's
    ///         adapter checks its results with (IResultMode.checkResult's appConfig; for a ZK app its Groth16
    ///         verifier, zk.md §4; for an objective app its ObjectiveConfig, objective.md §1).
    ///         JobManager takes no job of the app until it is set; each job pins the config it was submitted
    ///         with, so a change never touches a live job. It stays across upgrades.
    function setAppConfig(uint256 appId, address config) external {
        App storage app = _ownedBy(appId, msg.sender);
        if (app.mode < uint8(TrustMode.REEXEC_OBJECTIVE)) revert NotAdapterMode(appId);
        if (config.code.length == 0) revert NotAContract(config);
        _appConfig[appId] = config;
        emit AppConfigSet(appId, config);
    }

    /// @notice The per-app config of an objective or adapter-mode app; 0 while none is set (or for modes 0 and 1).
    function appConfigOf(uint256 appId) external view returns (address) {
        _existing(appId);
        return _appConfig[appId];
    }

    /// @notice Lets apps of mode `mode` (REEXEC_OBJECTIVE or an adapter mode, >= 2) be created, or stops new ones
    ///         (existing apps and their jobs are untouched: JobManager's adapter registry decides which jobs are
    ///         taken). Modes 0 and 1 are always available: InvalidMode.
    function setModeEnabled(uint8 mode, bool enabled) external onlyOwner {
        if (mode < uint8(TrustMode.REEXEC_OBJECTIVE)) revert InvalidMode(mode);
        modeEnabled[mode] = enabled;
        emit ModeEnabledSet(mode, enabled);
    }

    function setAllowlisted(address account, bool allowed) external onlyOwner {
        if (account == address(0)) revert ZeroAddress();
        isAllowlisted[account] = allowed;
        emit AllowlistSet(account, allowed);
    }

    function setPermissionless(bool value) external onlyOwner {
        permissionless = value;
        emit PermissionlessSet(value);
    }

    function getApp(uint256 appId) external view returns (App memory) {
        return _existing(appId);
    }

    /// @notice The trust mode of an existing app, without copying its policy (cheap for other contracts).
    function modeOf(uint256 appId) external view returns (uint8) {
        return _existing(appId).mode;
    }

    /// @notice What a job pins at submission: the mode, the program digest, the version, the TEE signer and
    ///         the adapter-mode config (each 0 when the app has none).
    function releaseOf(uint256 appId)
        external
        view
        returns (uint8 mode, bytes32 programDigest, uint32 version, address teeSigner, address appConfig)
    {
        App storage app = _existing(appId);
        return (app.mode, app.programDigest, app.version, _teeSigner[appId], _appConfig[appId]);
    }

    function appExists(uint256 appId) external view returns (bool) {
        return _apps[appId].owner != address(0);
    }

    function appCount() external view returns (uint256) {
        return _appCount;
    }

    function _existing(uint256 appId) internal view returns (App storage app) {
        app = _apps[appId];
        if (app.owner == address(0)) revert UnknownApp(appId);
    }

    function _ownedBy(uint256 appId, address caller) internal view returns (App storage app) {
        app = _existing(appId);
        if (app.owner != caller) revert NotAppOwner(appId, caller);
    }

    function _checkRelease(bytes32 programDigest, bytes calldata policy) internal pure {
        if (programDigest == bytes32(0)) revert ZeroDigest();
        if (policy.length > MAX_POLICY_BYTES) revert PolicyTooLarge(policy.length, MAX_POLICY_BYTES);
    }
}
