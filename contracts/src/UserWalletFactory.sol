// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {UserWallet} from "./UserWallet.sol";

/// @title UserWalletFactory
/// @notice Deploys `UserWallet`s at CREATE2 addresses computable in advance, and names the
///         operator allowed to move tokens out of every wallet it deployed.
/// @dev Deploying is permissionless: a wallet is controlled by this factory's operator no matter
///      who paid for its deployment. The operator (a hot custody key) cannot change itself: the
///      owner (the cold Safe) replaces or revokes it and pauses withdrawals from every wallet,
///      so a stolen custody key is shut out without changing any wallet address. Ownership moves
///      in two steps (Ownable2Step) and cannot be renounced.
contract UserWalletFactory is Ownable2Step, Pausable {
    error ZeroAddress();
    error RenounceDisabled();

    event WalletDeployed(bytes32 indexed salt, address wallet);
    event OperatorTransferred(address indexed previousOperator, address indexed newOperator);

    /// @notice keccak256 of `UserWallet`'s creation code, the same for every wallet.
    bytes32 public immutable walletInitCodeHash;
    /// @notice The account allowed to call `UserWallet.transferToken` on every wallet (zero:
    ///         revoked, nobody).
    address public operator;

    /// @param owner_ may replace or revoke the operator and pause withdrawals (the cold Safe).
    /// @param operator_ the custody key that moves tokens out of the wallets.
    constructor(address owner_, address operator_) Ownable(owner_) {
        if (operator_ == address(0)) revert ZeroAddress();
        walletInitCodeHash = keccak256(type(UserWallet).creationCode);
        operator = operator_;
        emit OperatorTransferred(address(0), operator_);
    }

    /// @notice The address the wallet for `salt` has, deployed or not.
    function walletAddress(bytes32 salt) public view returns (address) {
        return Create2.computeAddress(salt, walletInitCodeHash);
    }

    /// @notice Deploys the wallet for `salt`; if it already exists, just returns its address.
    function deployWallet(bytes32 salt) external returns (address wallet) {
        wallet = walletAddress(salt);
        if (wallet.code.length != 0) return wallet;
        address deployed = address(new UserWallet{salt: salt}());
        assert(deployed == wallet);
        emit WalletDeployed(salt, wallet);
    }

    /// @notice Names a new operator (a rotated or replaced custody key), at once.
    function setOperator(address newOperator) external onlyOwner {
        if (newOperator == address(0)) revert ZeroAddress();
        _setOperator(newOperator);
    }

    /// @notice Takes the operator's power away: no wallet moves tokens until `setOperator`.
    function revokeOperator() external onlyOwner {
        _setOperator(address(0));
    }

    /// @notice Stops `UserWallet.transferToken` on every wallet (deposits still arrive).
    function pause() external onlyOwner {
        _pause();
    }

    function unpause() external onlyOwner {
        _unpause();
    }

    /// @notice Refused: a factory without owner could never shut out a stolen operator key.
    function renounceOwnership() public pure override {
        revert RenounceDisabled();
    }

    function _setOperator(address newOperator) private {
        address previous = operator;
        operator = newOperator;
        emit OperatorTransferred(previous, newOperator);
    }
}
