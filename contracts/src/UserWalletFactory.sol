// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Create2} from "@openzeppelin/contracts/utils/Create2.sol";
import {UserWallet} from "./UserWallet.sol";

/// @title UserWalletFactory
/// @notice Deploys `UserWallet`s at CREATE2 addresses computable in advance, and names the
///         operator allowed to move tokens out of every wallet it deployed.
/// @dev Deploying is permissionless: a wallet is controlled by this factory's operator no matter
///      who paid for its deployment. The operator can be rotated in two steps
///      (`transferOperator` by the current one, `acceptOperator` by the new one) without changing
///      any wallet address.
contract UserWalletFactory {
    error ZeroAddress();
    error NotOperator(address caller);
    error NotPendingOperator(address caller);

    event WalletDeployed(bytes32 indexed salt, address wallet);
    event OperatorTransferStarted(address indexed previousOperator, address indexed newOperator);
    event OperatorTransferred(address indexed previousOperator, address indexed newOperator);

    /// @notice keccak256 of `UserWallet`'s creation code, the same for every wallet.
    bytes32 public immutable walletInitCodeHash;
    /// @notice The account allowed to call `UserWallet.transferToken` on every wallet.
    address public operator;
    /// @notice The account that may `acceptOperator`, or zero.
    address public pendingOperator;

    constructor(address operator_) {
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

    /// @notice Starts handing the operator role to `newOperator` (zero cancels a pending one).
    /// @dev Zero is allowed on purpose: it cancels a pending transfer.
    // slither-disable-next-line missing-zero-check
    function transferOperator(address newOperator) external {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        pendingOperator = newOperator;
        emit OperatorTransferStarted(msg.sender, newOperator);
    }

    /// @notice Completes the hand-over started by `transferOperator`.
    function acceptOperator() external {
        if (msg.sender != pendingOperator || msg.sender == address(0)) {
            revert NotPendingOperator(msg.sender);
        }
        address previous = operator;
        operator = msg.sender;
        pendingOperator = address(0);
        emit OperatorTransferred(previous, msg.sender);
    }
}
