// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

/// @title TreasuryVault
/// @notice Holds the USDC paid out to customers. A hot key with PAYOUT_ROLE pays each order at
///         most once, within a per-payout cap and a rolling 24 hour cap; the admin (the cold
///         Safe in production) sets the limits, rotates the roles, names the cold wallet and
///         sweeps funds to it (and only to it); PAUSER_ROLE (a guardian key, distinct from the
///         admin so that stopping payouts does not need the Safe's quorum) can stop all payouts.
///         The admin is a single account handed over in two steps after a delay
///         (OpenZeppelin's AccessControlDefaultAdminRules), so it is never lost in one call.
///         A pause is undone by whoever may keep it: the guardian lifts its own pauses, only the
///         admin lifts a pause the admin made (or took over).
///         Nothing is ever paid to the vault itself, the token or the zero address.
/// @dev The rolling cap keeps 25 hourly buckets in a ring. A payout made during hour H counts
///      against the cap until hour H + 25 starts, i.e. for at least 24 h and less than 25 h, so
///      the sum of payouts in ANY 24 h interval never exceeds `maxPer24h`.
contract TreasuryVault is AccessControlDefaultAdminRules, Pausable {
    using SafeERC20 for IERC20;

    bytes32 public constant PAYOUT_ROLE = keccak256("PAYOUT_ROLE");
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice Length of one bucket of the rolling window.
    uint256 public constant BUCKET_SECONDS = 1 hours;
    /// @notice Number of buckets in the ring: the 24 h window plus the current, partial hour.
    uint256 public constant WINDOW_BUCKETS = 25;

    error PayoutAlreadyMade(bytes32 orderId);
    error PayoutTooLarge(uint256 amount, uint256 maxPerPayout);
    error DailyLimitExceeded(uint256 amount, uint256 available);
    error ZeroAddress();
    error ZeroAmount();
    error LengthMismatch();
    /// @notice `to` can not receive the vault's funds: zero, the vault itself or the token.
    error DestinationNotAllowed(address to);
    /// @notice A zero per-payout cap, or a 24 h cap below the per-payout cap.
    error InvalidLimits(uint256 maxPerPayout, uint256 maxPer24h);
    /// @notice The current pause was made (or taken over) by the admin, `pausedBy`: only the
    ///         admin may lift it.
    error PausedByAdmin(address pausedBy);

    event Payout(bytes32 indexed orderId, address indexed to, uint256 amount);
    event LimitsChanged(uint256 maxPerPayout, uint256 maxPer24h);
    event Swept(address indexed to, uint256 amount);
    event ColdWalletChanged(address indexed previousColdWallet, address indexed newColdWallet);
    /// @notice The admin took over a pause made by `previousPauser` (a guardian): from now on
    ///         only the admin may lift it. A new pause emits Pausable's `Paused(account)`.
    event PauseHeldByAdmin(address indexed admin, address indexed previousPauser);

    struct Bucket {
        uint64 hour;
        uint192 amount;
    }

    /// @notice The token paid out (USDC).
    IERC20 public immutable token;
    /// @notice Largest amount (token units) of a single payout.
    uint256 public maxPerPayout;
    /// @notice Largest sum (token units) of payouts within any 24 h.
    uint256 public maxPer24h;
    /// @notice The only address `sweep` sends funds to.
    address public coldWallet;
    /// @notice Who made (or took over) the current pause; zero while not paused.
    address public pausedBy;
    /// @notice Whether the current pause is the admin's: then only the admin may lift it.
    bool public pausedByAdmin;

    mapping(bytes32 orderId => bool) private _paid;
    Bucket[WINDOW_BUCKETS] private _buckets;

    /// @param token_ the ERC-20 paid out.
    /// @param admin receives DEFAULT_ADMIN_ROLE (limits, roles, cold wallet, sweep).
    /// @param adminDelay seconds a new admin must wait between `beginDefaultAdminTransfer` and
    ///        `acceptDefaultAdminTransfer` (a stolen admin key's hand-over can be cancelled).
    /// @param pauser the guardian key; receives PAUSER_ROLE.
    /// @param payoutSigner the hot key; receives PAYOUT_ROLE.
    /// @param coldWallet_ where `sweep` sends funds.
    constructor(
        IERC20 token_,
        address admin,
        uint48 adminDelay,
        address pauser,
        address payoutSigner,
        address coldWallet_,
        uint256 maxPerPayout_,
        uint256 maxPer24h_
    ) AccessControlDefaultAdminRules(adminDelay, admin) {
        if (address(token_) == address(0) || pauser == address(0) || payoutSigner == address(0)) {
            revert ZeroAddress();
        }
        token = token_;
        _grantRole(PAUSER_ROLE, pauser);
        _grantRole(PAYOUT_ROLE, payoutSigner);
        if (coldWallet_ == address(0) || _isOwnAddress(coldWallet_)) {
            revert DestinationNotAllowed(coldWallet_);
        }
        coldWallet = coldWallet_;
        emit ColdWalletChanged(address(0), coldWallet_);
        _setLimits(maxPerPayout_, maxPer24h_);
    }

    /// @notice Pays `amount` to `to` for `orderId`; each order id can be paid once, ever.
    function payout(bytes32 orderId, address to, uint256 amount)
        external
        onlyRole(PAYOUT_ROLE)
        whenNotPaused
    {
        _payout(orderId, to, amount, paidInLast24h());
    }

    /// @notice Several payouts under the same rules as `payout`, all or none.
    function payoutBatch(
        bytes32[] calldata orderIds,
        address[] calldata tos,
        uint256[] calldata amounts
    ) external onlyRole(PAYOUT_ROLE) whenNotPaused {
        uint256 n = orderIds.length;
        if (tos.length != n || amounts.length != n) revert LengthMismatch();
        uint256 used = paidInLast24h();
        for (uint256 i = 0; i < n; ++i) {
            used = _payout(orderIds[i], tos[i], amounts[i], used);
        }
    }

    function isPaid(bytes32 orderId) external view returns (bool) {
        return _paid[orderId];
    }

    /// @notice Sum of the payouts that still count against the rolling 24 h cap.
    function paidInLast24h() public view returns (uint256 total) {
        uint256 nowHour = block.timestamp / BUCKET_SECONDS;
        for (uint256 i = 0; i < WINDOW_BUCKETS; ++i) {
            Bucket memory b = _buckets[i];
            // The window is defined in block time; a proposer's few seconds of skew move a
            // payout by at most one bucket edge.
            // slither-disable-next-line timestamp
            if (b.amount != 0 && uint256(b.hour) + WINDOW_BUCKETS > nowHour) {
                total += b.amount;
            }
        }
    }

    /// @notice What can still be paid out now without exceeding the rolling 24 h cap.
    function remainingIn24h() external view returns (uint256) {
        return _available(paidInLast24h());
    }

    function setLimits(uint256 maxPerPayout_, uint256 maxPer24h_)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _setLimits(maxPerPayout_, maxPer24h_);
    }

    /// @notice Stops payouts. By PAUSER_ROLE or the admin. The admin may also take over a pause
    ///         a guardian made, so that the guardian can no longer lift it.
    function pause() external {
        bool byAdmin = _requirePauserOrAdmin(_msgSender());
        if (paused()) {
            if (!byAdmin || pausedByAdmin) revert EnforcedPause();
            emit PauseHeldByAdmin(_msgSender(), pausedBy);
        } else {
            _pause();
        }
        pausedBy = _msgSender();
        pausedByAdmin = byAdmin;
    }

    /// @notice Lets payouts go again. The admin lifts any pause; PAUSER_ROLE only one that a
    ///         pauser made (the admin's pause stays until the admin lifts it).
    function unpause() external {
        address sender = _msgSender();
        bool byAdmin = _requirePauserOrAdmin(sender);
        if (pausedByAdmin && !byAdmin) revert PausedByAdmin(pausedBy);
        _unpause();
        pausedBy = address(0);
        pausedByAdmin = false;
    }

    /// @notice Moves `amount` to the cold wallet, the only destination; works while paused.
    function sweep(uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (amount == 0) revert ZeroAmount();
        address to = coldWallet;
        emit Swept(to, amount);
        token.safeTransfer(to, amount);
    }

    /// @notice Names the address `sweep` sends to from now on.
    function setColdWallet(address newColdWallet) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newColdWallet == address(0) || _isOwnAddress(newColdWallet)) {
            revert DestinationNotAllowed(newColdWallet);
        }
        address previous = coldWallet;
        coldWallet = newColdWallet;
        emit ColdWalletChanged(previous, newColdWallet);
    }

    function _payout(bytes32 orderId, address to, uint256 amount, uint256 used)
        private
        returns (uint256)
    {
        if (_paid[orderId]) revert PayoutAlreadyMade(orderId);
        if (to == address(0) || _isOwnAddress(to)) revert DestinationNotAllowed(to);
        if (amount == 0) revert ZeroAmount();
        if (amount > maxPerPayout) revert PayoutTooLarge(amount, maxPerPayout);
        uint256 available = _available(used);
        if (amount > available) revert DailyLimitExceeded(amount, available);

        _paid[orderId] = true;
        _record(amount);
        token.safeTransfer(to, amount);
        emit Payout(orderId, to, amount);
        return used + amount;
    }

    function _record(uint256 amount) private {
        uint256 nowHour = block.timestamp / BUCKET_SECONDS;
        // A ring index, not randomness.
        // slither-disable-next-line weak-prng
        Bucket storage b = _buckets[nowHour % WINDOW_BUCKETS];
        // slither-disable-next-line timestamp
        if (b.hour != nowHour) {
            b.hour = SafeCast.toUint64(nowHour);
            b.amount = 0;
        }
        b.amount += SafeCast.toUint192(amount);
    }

    function _available(uint256 used) private view returns (uint256) {
        return used >= maxPer24h ? 0 : maxPer24h - used;
    }

    /// @dev The vault itself or the token: funds sent there would be stuck, and a payout
    ///      "made" while no customer got anything. (The zero address, which burns them, is
    ///      checked at each call site, where slither sees it.)
    function _isOwnAddress(address to) private view returns (bool) {
        return to == address(this) || to == address(token);
    }

    /// @dev Returns whether `account` is the admin; reverts if it is neither admin nor pauser.
    function _requirePauserOrAdmin(address account) private view returns (bool byAdmin) {
        byAdmin = hasRole(DEFAULT_ADMIN_ROLE, account);
        if (!byAdmin && !hasRole(PAUSER_ROLE, account)) {
            revert AccessControlUnauthorizedAccount(account, PAUSER_ROLE);
        }
    }

    function _setLimits(uint256 maxPerPayout_, uint256 maxPer24h_) private {
        // A zero per-payout cap stops payouts by accident (pause is the way to stop them), and
        // a 24 h cap below it makes the per-payout cap a lie.
        if (maxPerPayout_ == 0 || maxPer24h_ < maxPerPayout_) {
            revert InvalidLimits(maxPerPayout_, maxPer24h_);
        }
        maxPerPayout = maxPerPayout_;
        maxPer24h = maxPer24h_;
        emit LimitsChanged(maxPerPayout_, maxPer24h_);
    }
}
