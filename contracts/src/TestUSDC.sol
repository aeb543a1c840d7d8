// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title TestUSDC
/// @notice A FiatToken-like USDC stand-in for LOCAL CHAINS ONLY (anvil, tests).
///         6 decimals; minters with allowances set by the master minter (as the issuer's
///         mint and redeem work: each mint uses up allowance, a minter burns what it redeems);
///         pausing; and a blacklist that stops an account from sending, receiving, approving,
///         spending allowances, minting or burning. Like FiatToken v2.2 it blacklists its own
///         address (a transfer to the token contract is refused) and refuses `approve` and
///         `configureMinter` while paused, so local tests meet what mainnet USDC does.
contract TestUSDC is ERC20, AccessControl, Pausable {
    bytes32 public constant MASTER_MINTER_ROLE = keccak256("MASTER_MINTER_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    bytes32 public constant BLACKLISTER_ROLE = keccak256("BLACKLISTER_ROLE");

    /// @notice `account` is blacklisted and may not take part in this operation.
    error BlacklistedAccount(address account);
    /// @notice A zero address was given where an account is required.
    error ZeroAddress();
    /// @notice A zero amount was given to mint or burn.
    error ZeroAmount();
    /// @notice `account` is not a configured minter.
    error NotMinter(address account);
    /// @notice Minting `amount` would exceed the minter's remaining `allowance`.
    error MinterAllowanceExceeded(uint256 amount, uint256 allowance);

    event Blacklisted(address indexed account);
    event UnBlacklisted(address indexed account);
    event MinterConfigured(address indexed minter, uint256 minterAllowedAmount);
    event MinterRemoved(address indexed oldMinter);
    event Mint(address indexed minter, address indexed to, uint256 amount);
    event Burn(address indexed burner, uint256 amount);

    mapping(address account => bool) private _blacklisted;
    mapping(address minter => bool) private _minters;
    mapping(address minter => uint256) private _minterAllowed;

    /// @param admin receives DEFAULT_ADMIN_ROLE, MASTER_MINTER_ROLE, PAUSER_ROLE and
    ///        BLACKLISTER_ROLE. Nobody is a minter until `configureMinter` names one.
    constructor(address admin) ERC20("USD Coin (test)", "USDC") {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MASTER_MINTER_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(BLACKLISTER_ROLE, admin);
        // FiatToken v2.2 blacklists itself: tokens sent to the contract would be lost.
        _blacklisted[address(this)] = true;
        emit Blacklisted(address(this));
    }

    /// @dev The master minter, or the admin that appoints it.
    modifier onlyMasterMinter() {
        address sender = _msgSender();
        if (!hasRole(MASTER_MINTER_ROLE, sender) && !hasRole(DEFAULT_ADMIN_ROLE, sender)) {
            revert AccessControlUnauthorizedAccount(sender, MASTER_MINTER_ROLE);
        }
        _;
    }

    modifier onlyMinter() {
        if (!_minters[_msgSender()]) revert NotMinter(_msgSender());
        _;
    }

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Makes `minter` a minter (or keeps it one) that may mint `minterAllowedAmount`
    ///         more from now on; the new allowance replaces the old, it is not added to it.
    function configureMinter(address minter, uint256 minterAllowedAmount)
        external
        onlyMasterMinter
        whenNotPaused
    {
        if (minter == address(0)) revert ZeroAddress();
        _minters[minter] = true;
        _minterAllowed[minter] = minterAllowedAmount;
        emit MinterConfigured(minter, minterAllowedAmount);
    }

    /// @notice Takes the minter's right to mint and burn, and its remaining allowance.
    function removeMinter(address minter) external onlyMasterMinter {
        _minters[minter] = false;
        _minterAllowed[minter] = 0;
        emit MinterRemoved(minter);
    }

    function isMinter(address account) external view returns (bool) {
        return _minters[account];
    }

    /// @notice What `minter` may still mint.
    function minterAllowance(address minter) external view returns (uint256) {
        return _minterAllowed[minter];
    }

    /// @notice Mints `amount` to `to`, using up as much of the caller's minter allowance.
    function mint(address to, uint256 amount) external onlyMinter {
        address minter = _msgSender();
        _requireNotBlacklisted(minter);
        if (amount == 0) revert ZeroAmount();
        uint256 allowed = _minterAllowed[minter];
        if (amount > allowed) revert MinterAllowanceExceeded(amount, allowed);
        _minterAllowed[minter] = allowed - amount;
        _mint(to, amount);
        emit Mint(minter, to, amount);
    }

    /// @notice Burns `amount` of the caller's own balance (the issuer redeeming USDC it was
    ///         sent); it does not give back minter allowance.
    function burn(uint256 amount) external onlyMinter {
        if (amount == 0) revert ZeroAmount();
        address burner = _msgSender();
        _burn(burner, amount);
        emit Burn(burner, amount);
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

    function approve(address spender, uint256 value)
        public
        override
        whenNotPaused
        returns (bool)
    {
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
