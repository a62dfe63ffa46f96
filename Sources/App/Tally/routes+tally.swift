import Vapor

/// Tally import and export, under `/api/v1/companies/{companyID}/tally`.
func registerTallyRoutes(_ company: any RoutesBuilder) {
    company.on(.POST, "tally", "import", body: .stream,
               api: .init(summary: "Import a Tally XML export (raw XML body or a multipart file): masters, then vouchers, each created, updated, unchanged or rejected with its reason",
                          tag: "Tally", access: .company(.mastersEdit), response: TallyImportDTO.schema),
               use: TallyController.importFile)
    company.on(.GET, "tally", "export", api: .init(summary: "Masters and vouchers as XML that Tally imports (streamed)", tag: "Tally",
                                                   access: .company(.reportsView), query: [
                                                       .init(name: "what", schema: .string(.init(allowed: TallyExporter.What.allCases.map(\.rawValue))), description: "masters, vouchers or all (default)"),
                                                       .init(name: "from", schema: .date, description: "First voucher date (default: books-beginning)"),
                                                       .init(name: "to", schema: .date, description: "Last voucher date (default: all)"),
                                                   ]),
               use: TallyController.export)
    company.on(.GET, "tally", "imports", api: .init(summary: "Earlier Tally imports, newest first", tag: "Tally", access: .company(.mastersView),
                                                    response: Page<TallyController.ImportSummaryDTO>.schema(TallyController.ImportSummaryDTO.schema)),
               use: TallyController.imports)
    company.on(.GET, "tally", "imports", ":importID", api: .init(summary: "One import's full report", tag: "Tally", access: .company(.mastersView),
                                                                 response: TallyImportDTO.schema),
               use: TallyController.importReport)
    company.on(.PUT, "tally", "sync", "settings", api: .init(summary: "Set up live sync with Tally's HTTP server (address, company in Tally, rule for conflicts)",
                                                              tag: "Tally", access: .company(.settingsEdit), request: TallySyncSettingsRequest.schema,
                                                              response: TallySyncStatusDTO.schema),
               use: TallySyncController.saveSettings)
    company.on(.POST, "tally", "sync", "run", api: .init(summary: "Sync with Tally now: pull changes, find deletions, push ours; 502 when Tally could not be used",
                                                         tag: "Tally", access: .company(.mastersEdit), response: TallySyncStatusDTO.schema),
               use: TallySyncController.runNow)
    company.on(.GET, "tally", "sync", "status", api: .init(summary: "Sync settings, the last run, objects by sync status, errors and conflicts",
                                                           tag: "Tally", access: .company(.mastersView), response: TallySyncStatusDTO.schema),
               use: TallySyncController.statusRoute)
}
