import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ExportMenu } from "./ExportMenu";

describe("ExportMenu", () => {
  it("saves in the chosen format and says where", async () => {
    const onExport = vi.fn().mockResolvedValue("/home/me/Downloads/Trip.md");
    const user = userEvent.setup();
    render(<ExportMenu onExport={onExport} />);
    expect(screen.queryByTestId("export-md")).toBeNull();
    await user.click(screen.getByTestId("export-menu"));
    await user.click(screen.getByTestId("export-md"));
    expect(onExport).toHaveBeenCalledWith("md");
    expect((await screen.findByTestId("export-saved")).textContent).toContain("/home/me/Downloads/Trip.md");
    expect(screen.queryByTestId("export-md")).toBeNull();
  });

  it("shows why an export failed", async () => {
    const onExport = vi.fn().mockRejectedValue({ code: "STORAGE", message: "cannot save the export in /x: denied" });
    const user = userEvent.setup();
    render(<ExportMenu onExport={onExport} />);
    await user.click(screen.getByTestId("export-menu"));
    await user.click(screen.getByTestId("export-json"));
    expect(onExport).toHaveBeenCalledWith("json");
    expect((await screen.findByRole("alert")).textContent).toContain("denied");
  });
});
