"""The web UI shell in a real headless Chromium: the journeys of issue 3."""
import re

from conftest import create_company, shot, sign_up, unique_email


def test_sign_up_create_company_dashboard(page):
    sign_up(page, unique_email())
    shot(page, "company-list-empty")
    company = create_company(page)
    assert page.locator("h1").inner_text() == "Shree Ganesh Traders"
    assert "Company created" in page.locator(".notice.ok").inner_text()
    assert page.locator(".tile .figure").first.inner_text() == "₹0.00"
    shot(page, "dashboard")
    page.goto(f"/app/c/{company}/settings")
    shot(page, "settings")
    page.goto(f"/app/c/{company}/audit")
    assert "Chain verified" in page.locator("#chain-status").inner_text()
    assert page.locator("#audit tbody tr").count() == 2
    shot(page, "audit-log")


def test_wrong_password_shows_error_and_no_session(page, context):
    email = unique_email()
    sign_up(page, email)
    page.click("text=Sign out")
    page.wait_for_url("**/signin")
    page.fill("#f-email", email)
    page.fill("#f-password", "not my password")
    page.click("form[action='/signin'] button[type=submit]")
    assert "Email or password is incorrect" in page.locator("#signin-error").inner_text()
    shot(page, "signin-error")
    assert not [c for c in context.cookies() if c["name"] == "fs_session" and c["value"]]
    page.goto("/app")
    assert "/signin" in page.url


def test_viewer_sees_no_member_controls_and_forged_post_is_refused(browser, base_url):
    owner_ctx = browser.new_context(base_url=base_url)
    owner = owner_ctx.new_page()
    sign_up(owner, unique_email("owner"))
    company = create_company(owner)

    viewer_email = unique_email("viewer")
    viewer_ctx = browser.new_context(base_url=base_url)
    viewer = viewer_ctx.new_page()
    sign_up(viewer, viewer_email, name="Ravi Viewer")

    owner.goto(f"/app/c/{company}/members")
    owner.fill("#f-email", viewer_email)
    owner.select_option("#f-role", "viewer")
    owner.click("form[aria-labelledby=add-member] button[type=submit]")
    link = owner.locator("#invitation-link code").inner_text()
    assert "/invitations/" in link
    assert viewer_email in owner.locator("#invitations").inner_text()
    shot(owner, "members-owner")

    # The invitee follows the link (as the owner would pass it on), sees what it is and accepts.
    viewer.goto("/invitations/" + link.split("/invitations/")[1])
    assert "viewer" in viewer.locator("#account-message").inner_text()
    shot(viewer, "invitation")
    viewer.click("button:has-text('Accept and join')")
    viewer.wait_for_url(f"**/app/c/{company}")

    viewer.goto(f"/app/c/{company}/members")
    assert viewer.locator("#members").is_visible()
    assert viewer.locator("text=Invite a member").count() == 0
    assert viewer.locator("text=Change role").count() == 0
    shot(viewer, "members-viewer")
    token = viewer.locator("form[action='/signout'] input[name=_csrf]").get_attribute("value")
    forged = viewer.request.post(f"/app/c/{company}/members", form={"email": viewer_email, "role": "owner", "_csrf": token},
                                 max_redirects=0)
    assert forged.status == 403
    owner.goto(f"/app/c/{company}/members")
    assert owner.locator("#members tbody tr").count() == 2
    assert "viewer" in owner.locator("#members tbody").inner_text()
    owner_ctx.close()
    viewer_ctx.close()


def test_csrf_refusal(page):
    sign_up(page, unique_email())
    company = create_company(page, name="Before CSRF")
    response = page.request.post(f"/app/c/{company}/settings", form={"name": "After CSRF", "_csrf": "forged"}, max_redirects=0)
    assert response.status == 403
    page.goto(f"/app/c/{company}")
    assert page.locator("h1").inner_text() == "Before CSRF"


def test_script_in_company_name_is_shown_escaped(page):
    sign_up(page, unique_email())
    name = "<script>window.__pwned = 1</script> & Sons"
    create_company(page, name=name)
    assert page.locator("h1").inner_text() == name
    assert page.evaluate("window.__pwned") is None
    page.goto("/app")
    assert page.locator("table a").first.inner_text() == name


def test_phone_viewport_has_no_horizontal_scroll(browser, base_url):
    ctx = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.goto("/signin")
    pages = [("signin", "/signin"), ("signup", "/signup")]
    sign_up(page, unique_email())
    company = create_company(page, name="Mahalakshmi Wholesale Provision Stores Private Limited")
    pages += [("list", "/app"), ("new", "/app/companies/new"), ("dashboard", f"/app/c/{company}"),
              ("settings", f"/app/c/{company}/settings"), ("members", f"/app/c/{company}/members"),
              ("audit", f"/app/c/{company}/audit"), ("vouchers", f"/app/c/{company}/vouchers"),
              ("voucher-new", f"/app/c/{company}/vouchers/new"), ("accounts", f"/app/c/{company}/accounts"),
              ("trial-balance", f"/app/c/{company}/reports/trial-balance"),
              ("receivables", f"/app/c/{company}/reports/outstanding?kind=receivable"),
              ("profit-and-loss", f"/app/c/{company}/reports/profit-and-loss"),
              ("balance-sheet", f"/app/c/{company}/reports/balance-sheet"),
              ("period-locks", f"/app/c/{company}/period-locks"), ("day-book", f"/app/c/{company}/reports/day-book"),
              ("ledger-new", f"/app/c/{company}/accounts/ledgers/new"), ("group-new", f"/app/c/{company}/accounts/groups/new"),
              ("items", f"/app/c/{company}/items"), ("invoices", f"/app/c/{company}/invoices"),
              ("invoice-new", f"/app/c/{company}/invoices/new"), ("gst-returns", f"/app/c/{company}/gst/returns"),
              ("stock", f"/app/c/{company}/stock"), ("notifications", f"/app/c/{company}/notifications"),
              ("stock-batches", f"/app/c/{company}/stock/batches"), ("stock-ageing", f"/app/c/{company}/stock/ageing"),
              ("godowns", f"/app/c/{company}/stock/godowns"), ("stock-journal", f"/app/c/{company}/stock/journals/new"),
              ("stock-orders", f"/app/c/{company}/stock/orders"), ("units", f"/app/c/{company}/stock/units"),
              ("stock-groups", f"/app/c/{company}/stock/groups"), ("stock-count", f"/app/c/{company}/stock/count"),
              ("tally", f"/app/c/{company}/tally"),
              ("notfound", "/app/c/00000000-0000-0000-0000-000000000000"),
              ("offline", "/offline")]
    for name, path in pages:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways: {width}px"
        shot(page, f"phone-{name}")
    ctx.close()


def test_app_shell_loads_offline_after_first_visit(page, context):
    sign_up(page, unique_email())
    company = create_company(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # the worker now controls the page and keeps a copy of it
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.goto(f"/app/c/{company}")
    context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == "Shree Ganesh Traders"
    assert page.locator(".offline-banner").is_visible()
    shot(page, "offline-dashboard")
    page.goto("/app/c/never-visited")
    assert "You are offline" in page.locator("h1").inner_text()
    context.set_offline(False)


def test_keyboard_shortcuts(page):
    sign_up(page, unique_email())
    page.keyboard.press("?")
    assert page.locator("#shortcut-help").is_visible()
    shot(page, "shortcut-help")
    page.keyboard.press("Escape")
    assert not page.locator("#shortcut-help").is_visible()
    page.keyboard.press("Alt+c")
    page.wait_for_url("**/app/companies/new")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r".*/app$"))


def test_voucher_entry_shows_the_difference_and_posts(page):
    sign_up(page, unique_email())
    company = create_company(page)
    page.goto(f"/app/c/{company}/vouchers")
    page.keyboard.press("Alt+c")
    page.wait_for_url("**/vouchers/new")
    page.select_option("#f-type", "Payment")
    page.fill("#f-date", "2026-05-10")
    page.select_option("#f-side0", "Dr")
    page.fill("#f-ledger0", "Profit & Loss A/c")
    page.fill("#f-amount0", "100.00")
    page.select_option("#f-side1", "Cr")
    page.fill("#f-ledger1", "Cash")
    page.fill("#f-amount1", "60.00")
    assert "₹40.00 more Dr than Cr" in page.locator("#difference").inner_text()
    page.fill("#f-amount1", "100.00")
    assert "Balanced" in page.locator("#difference").inner_text()
    shot(page, "voucher-entry")
    page.click("form.voucher-form button[type=submit]")
    page.wait_for_url("**/vouchers?*")
    assert "Voucher posted" in page.locator(".notice.ok").inner_text()
    assert "PMT/2026-27/0001" in page.locator("#vouchers").inner_text()
    page.goto(f"/app/c/{company}/reports/trial-balance?asOf=2027-03-31")
    assert "₹100.00 Cr" in page.locator("#trial-balance").inner_text()
    page.click("#trial-balance a >> text=Cash")
    assert "PMT/2026-27/0001" in page.locator("#statement").inner_text()
    shot(page, "ledger-statement")


def test_party_from_the_ledger_form_gets_bill_fields_in_voucher_entry_and_amends(page):
    sign_up(page, unique_email())
    company = create_company(page)
    page.goto(f"/app/c/{company}/accounts")
    page.keyboard.press("Alt+c")
    page.wait_for_url("**/accounts/ledgers/new")
    page.fill("#f-name", "Kiran Stores")
    page.select_option("#f-group", "Sundry Debtors")
    page.fill("#f-creditPeriodDays", "15")
    page.check("#f-billWise")
    shot(page, "ledger-new")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/accounts?*")
    assert "Kiran Stores" in page.locator("#accounts").inner_text()

    page.goto(f"/app/c/{company}/vouchers/new")
    page.select_option("#f-type", "Journal")
    page.fill("#f-date", "2026-05-10")
    # Bill fields stay hidden until a bill-wise ledger is on the line.
    assert not page.locator("#f-billType0").is_visible()
    page.fill("#f-ledger0", "Kiran Stores")
    page.locator("#f-ledger0").dispatch_event("change")
    assert page.locator("#f-billType0").is_visible()
    page.select_option("#f-billType0", "new")
    page.fill("#f-billRef0", "KS-1")
    page.fill("#f-amount0", "750.00")
    page.select_option("#f-side1", "Cr")
    page.fill("#f-ledger1", "Profit & Loss A/c")
    page.fill("#f-amount1", "750.00")
    assert not page.locator("#f-billType1").is_visible()
    shot(page, "voucher-entry-bills")
    page.click("form.voucher-form button[type=submit]")
    page.wait_for_url("**/vouchers?*")
    page.click("#vouchers a >> text=JV/2026-27/0001")
    assert "new KS-1" in page.locator("#entries").inner_text()
    page.click("text=Amend")
    page.wait_for_url("**/edit")
    assert page.locator("#f-billRef0").input_value() == "KS-1"
    page.fill("#f-amount0", "800.00")
    page.fill("#f-amount1", "800.00")
    page.click("form.voucher-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/vouchers/[0-9a-f-]+\?notice=voucher-saved$"))
    assert "₹800.00" in page.locator("#voucher-facts").inner_text()
    page.goto(f"/app/c/{company}/reports/day-book?from=2026-05-10&to=2026-05-10")
    assert "JV/2026-27/0001" in page.locator("#day-book").inner_text()


def test_invoice_entry_previews_the_tax_live_and_prints(page):
    sign_up(page, unique_email())
    company = create_company(page)
    page.goto(f"/app/c/{company}/items")
    page.fill("#f-name", "Steel Tumbler")
    page.fill("#f-hsn", "732393")
    page.fill("#f-unit", "NOS")
    page.fill("#f-gstRate", "18")
    page.fill("#f-openingQuantity", "10")
    page.fill("#f-openingRate", "80.00")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/items?*")
    assert "Steel Tumbler" in page.locator("#items").inner_text()

    page.goto(f"/app/c/{company}/invoices/new")
    page.fill("#f-party", "Cash")
    page.fill("#f-date", "2026-08-05")
    page.fill("#f-item0", "Steel Tumbler")
    page.fill("#f-quantity0", "2")
    page.fill("#f-rate0", "100.00")
    # The server computes 200 + CGST 18 + SGST 18 as the line is typed; nothing is saved yet.
    page.wait_for_selector("#preview-table")
    page.wait_for_function("document.getElementById('preview-table').innerText.includes('236.00')")
    assert "18.00" in page.locator("#preview-table").inner_text()
    shot(page, "invoice-entry")
    page.fill("#f-quantity0", "-2")
    page.wait_for_selector("#tax-preview .error-list")
    assert "lines[0].quantity" in page.locator("#tax-preview").inner_text()
    page.fill("#f-quantity0", "2")
    page.click("form.invoice-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/invoices/[0-9a-f-]+\?notice=invoice-saved$"))
    assert "Rupees Two Hundred Thirty Six Only" in page.locator("#amount-in-words").inner_text()
    shot(page, "invoice-print")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    page.emulate_media(media="screen")


def test_stock_summary_drills_into_the_ledger_and_the_bell_opens_notifications(page):
    sign_up(page, unique_email())
    company = create_company(page)
    page.goto(f"/app/c/{company}/items")
    page.fill("#f-name", "Brass Lamp")
    page.fill("#f-hsn", "940510")
    page.fill("#f-unit", "NOS")
    page.fill("#f-gstRate", "12")
    page.fill("#f-openingQuantity", "12")
    page.fill("#f-openingRate", "250.00")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/items?*")
    page.click("header nav >> text=Stock")
    page.wait_for_selector("#stock-summary")
    assert "₹3,000.00" in page.locator("#stock-summary").inner_text()
    page.click("#stock-summary >> text=Brass Lamp")
    page.wait_for_selector("#stock-ledger")
    assert "opening" in page.locator("#stock-ledger").inner_text().lower()
    shot(page, "stock-ledger")
    page.click("a.bell")
    page.wait_for_url("**/notifications")
    assert "Nothing needs your attention" in page.locator("main").inner_text()


TALLY_EXPORT = """<ENVELOPE><HEADER><TALLYREQUEST>Import Data</TALLYREQUEST></HEADER><BODY><IMPORTDATA>
<REQUESTDESC><REPORTNAME>All Masters</REPORTNAME></REQUESTDESC><REQUESTDATA>
<TALLYMESSAGE><LEDGER NAME="Kirana Bank" RESERVEDNAME=""><GUID>e2e-bank</GUID><PARENT>Bank Accounts</PARENT>
<OPENINGBALANCE>-50000.00</OPENINGBALANCE><ALTERID> 1</ALTERID></LEDGER></TALLYMESSAGE>
<TALLYMESSAGE><LEDGER NAME="Shop Rent" RESERVEDNAME=""><GUID>e2e-rent</GUID><PARENT>Indirect Expenses</PARENT><ALTERID> 2</ALTERID></LEDGER></TALLYMESSAGE>
<TALLYMESSAGE><VOUCHER REMOTEID="e2e-v1" VCHTYPE="Payment" ACTION="Create"><DATE>20260501</DATE><GUID>e2e-v1</GUID>
<VOUCHERTYPENAME>Payment</VOUCHERTYPENAME><VOUCHERNUMBER>7</VOUCHERNUMBER><ALTERID> 3</ALTERID><NARRATION>May rent</NARRATION>
<ALLLEDGERENTRIES.LIST><LEDGERNAME>Shop Rent</LEDGERNAME><AMOUNT>-12000.00</AMOUNT></ALLLEDGERENTRIES.LIST>
<ALLLEDGERENTRIES.LIST><LEDGERNAME>Kirana Bank</LEDGERNAME><AMOUNT>12000.00</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER></TALLYMESSAGE>
<TALLYMESSAGE><VOUCHER REMOTEID="e2e-v2" VCHTYPE="Payment" ACTION="Create"><DATE>20260502</DATE><GUID>e2e-v2</GUID>
<VOUCHERTYPENAME>Payment</VOUCHERTYPENAME><VOUCHERNUMBER>8</VOUCHERNUMBER><ALTERID> 4</ALTERID>
<ALLLEDGERENTRIES.LIST><LEDGERNAME>Shop Rent</LEDGERNAME><AMOUNT>-500.00</AMOUNT></ALLLEDGERENTRIES.LIST>
<ALLLEDGERENTRIES.LIST><LEDGERNAME>Nowhere</LEDGERNAME><AMOUNT>500.00</AMOUNT></ALLLEDGERENTRIES.LIST></VOUCHER></TALLYMESSAGE>
</REQUESTDATA></IMPORTDATA></BODY></ENVELOPE>"""


def test_tally_file_upload_shows_its_report(page, tmp_path):
    sign_up(page, unique_email())
    company = create_company(page)
    page.click("nav[aria-label=Company] >> text=Tally")
    assert page.locator("h1").inner_text() == "Tally"
    shot(page, "tally")
    export = tmp_path / "DayBook.xml"
    # Tally writes its exports in UTF-16 with a byte-order mark.
    export.write_bytes(TALLY_EXPORT.encode("utf-16"))
    page.set_input_files("#f-file", str(export))
    page.click("#tally-import button[type=submit]")
    page.wait_for_url(re.compile(r".*/tally/imports/.*"))
    assert page.locator("h1").inner_text() == "Import of DayBook.xml"
    totals = page.locator("#import-totals").inner_text()
    assert "3 created" in totals and "1 rejected" in totals and "UTF-16" in totals
    assert "ledger 'Nowhere' is not defined" in page.locator("#import-problems").inner_text()
    shot(page, "tally-import-report")
    page.goto(f"/app/c/{company}/reports/trial-balance?asOf=2026-05-31")
    assert "Kirana Bank" in page.content() and "38,000.00" in page.content()
