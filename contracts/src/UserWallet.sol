// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {UserWalletFactory} from "./UserWalletFactory.sol";

/// @title UserWallet
/// @notice A customer's custodial deposit wallet, deployed by `UserWalletFactory` with CREATE2.
///         Its constructor takes no arguments, so every wallet has the same init code and its
///         address depends only on the factory and the salt: it is known (and can receive
///         tokens) before the wallet is deployed.
/// @dev Only the factory's current operator can move tokens out, and only while the factory's
///      owner has not paused withdrawals. It has no `receive` or
///      `fallback`, so plain ETH transfers to a deployed wallet revert.
contract UserWallet {
    using SafeERC20 for IERC20;

    error NotOperator(address caller);
    error ZeroAddress();
    error WithdrawalsPaused();

    event TokenTransferred(IERC20 indexed token, address indexed to, uint256 amount);

    /// @notice The factory that deployed this wallet; its `operator()` controls the wallet.
    address public immutable factory;

    constructor() {
        factory = msg.sender;
    }

    function transferToken(IERC20 token, address to, uint256 amount) external {
        UserWalletFactory f = UserWalletFactory(factory);
        if (msg.sender != f.operator()) revert NotOperator(msg.sender);
        if (f.paused()) revert WithdrawalsPaused();
        if (to == address(0)) revert ZeroAddress();
        token.safeTransfer(to, amount);
        emit TokenTransferred(token, to, amount);
    }
}
