// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title TestUSDC
/// @notice A FiatToken-like USDC stand-in for LOCAL CHAINS ONLY (anvil, tests).
///         6 decimals, role-gated minting, pausing and a blacklist that stops an
///         account from sending, receiving, approving or spending allowances.
contract TestUSDC is ERC20, AccessControl, Pausable {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 public constant BLACKLISTER_ROLE = keccak256("BLACKLISTER_ROLE");

    /// @notice `account` is blacklisted and may not take part in this operation.
    error BlacklistedAccount(address account);
    /// @notice A zero address was given where an account is required.
    error ZeroAddress();

    event Blacklisted(address indexed account);
    event UnBlacklisted(address indexed account);

    mapping(address account => bool) private _blacklisted;

    /// @param admin receives DEFAULT_ADMIN_ROLE, MINTER_ROLE, PAUSER_ROLE and BLACKLISTER_ROLE.
    constructor(address admin) ERC20("USD Coin (test)", "USDC") {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(BLACKLISTER_ROLE, admin);
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    function blacklist(address account) external onlyRole(BLACKLISTER_ROLE) {
        if (account == address(0)) revert ZeroAddress();
        _blacklisted[account] = true;
        emit Blacklisted(account);
    }

    function unBlacklist(address account) external onlyRole(BLACKLISTER_ROLE) {
        _blacklisted[account] = false;
        emit UnBlacklisted(account);
    }

    function isBlacklisted(address account) external view returns (bool) {
        return _blacklisted[account];
    }

    function approve(address spender, uint256 value) public override returns (bool) {
        _requireNotBlacklisted(_msgSender());
        _requireNotBlacklisted(spender);
        return super.approve(spender, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        _requireNotBlacklisted(_msgSender());
        return super.transferFrom(from, to, value);
    }

    /// @dev Every balance change (transfer, mint, burn) passes here.
    function _update(address from, address to, uint256 value) internal override whenNotPaused {
        _requireNotBlacklisted(from);
        _requireNotBlacklisted(to);
        super._update(from, to, value);
    }

    function _requireNotBlacklisted(address account) private view {
        if (_blacklisted[account]) revert BlacklistedAccount(account);
    }
}
