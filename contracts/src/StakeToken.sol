// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title StakeToken
/// @notice The ERC20 that operators stake and that job fees, deposits and challenge bonds are paid in.
///         Supply rule: the owner (the governance timelock) or a minter it names may mint until
///         `finishMinting()` is called, after which the supply can only shrink (slashes burn). A devnet
///         keeps minting open as a faucet; a production deployment mints its supply and then finishes.
contract StakeToken is ERC20, ERC20Burnable, Ownable {
    /// @notice Accounts other than the owner that may mint (e.g. a devnet faucet contract).
    mapping(address account => bool allowed) public isMinter;
    /// @notice Once true, nobody can ever mint again.
    bool public mintingFinished;

    error NotMinter(address caller);
    error ZeroAddress();
    error MintingFinished();

    event MinterSet(address indexed account, bool allowed);
    event MintingClosed();

    constructor(address owner) ERC20("TrustDial Stake", "TDS") Ownable(owner) {}

    /// @notice Mints `amount` to `to`; only the owner or an allowed minter, and only before finishMinting.
    function mint(address to, uint256 amount) external {
        if (mintingFinished) revert MintingFinished();
        if (msg.sender != owner() && !isMinter[msg.sender]) revert NotMinter(msg.sender);
        _mint(to, amount);
    }

    function setMinter(address account, bool allowed) external onlyOwner {
        if (account == address(0)) revert ZeroAddress();
        isMinter[account] = allowed;
        emit MinterSet(account, allowed);
    }

    /// @notice Ends minting for good (irreversible).
    function finishMinting() external onlyOwner {
        mintingFinished = true;
        emit MintingClosed();
    }
}
